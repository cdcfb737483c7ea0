import { mkdirSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds } from '../process-stats';
import { formatSelfTimes, monotonicUs, readCpuProfile, type Window } from './cpuprofile';
import { startBenchApi, type BenchApi } from './rest-api';
import { openLoop, type BenchRequest } from './rest-open-loop';

// `pnpm --dir packages/loadtest rest-bench`: one api alone (its own database, seeded), driven by
// autocannon straight, no edge. For the profile route and for the route mix, plain GETs (200) and
// conditional ones (If-None-Match with the ETag of a first GET: 304 when the api answers them),
// closed loop (--connections at full speed, autocannon) and open loop (--rate GETs/s offered, evenly spaced).
// Prints req/s, latency p50/p99, the api's and PostgreSQL's CPU ms per GET and bytes per answer, with the load average.

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    rate: { type: 'string', default: '500' },
    repeat: { type: 'string', default: '2' },
    'log-level': { type: 'string', default: 'info' },
    /** Run only the cases whose name contains this (e.g. `offered`). */
    only: { type: 'string', default: '' },
    /** CPU-profile the api and print where its time went during the measured runs. */
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: join(tmpdir(), `aurawell-rest-bench-${new Date().toISOString().replace(/[:.]/g, '-')}`) },
  },
});

const PROFILE = '/api/v1/user/profile';
const SUMMARY = '/api/v1/health/summary';
const MIX = [SUMMARY, '/api/v1/chat/conversations', PROFILE];

type Case = { name: string; routes: string[]; conditional: boolean; rate?: number };

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () => (loadavg()[0] ?? 0).toFixed(2);

/** Every (user, route) pair in turn; conditional ones carry the ETag a first GET of the pair got, when it got one. */
const requestsOf = async (api: BenchApi, c: Case): Promise<BenchRequest[]> =>
  Promise.all(
    api.tokens.flatMap((token) =>
      c.routes.map(async (path): Promise<BenchRequest> => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (c.conditional) {
          const etag = (await fetch(`${api.url}${path}`, { headers })).headers.get('etag');
          if (etag) headers['if-none-match'] = etag;
        }
        return { path, headers };
      }),
    ),
  );

const statusText = (counts: Record<string, number | { count?: number }>): string =>
  Object.entries(counts)
    .map(([code, n]) => `${code}×${typeof n === 'number' ? n : (n.count ?? 0)}`)
    .join(' ');

type Measured = { rps: number; p50: number; p99: number; answers: number; bytes: number; statuses: string };

/** Closed loop: --connections at full speed (autocannon). */
const closedLoop = async (api: BenchApi, requests: BenchRequest[]): Promise<Measured> => {
  const r = await autocannon({ url: api.url, requests: requests.map((q) => ({ method: 'GET', ...q })), duration: Number(values.duration), connections: Number(values.connections) });
  const statuses = `${statusText(r.statusCodeStats ?? {})}${r.errors ? ` errors×${r.errors}` : ''}`;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, answers: r.requests.total, bytes: r.throughput.total, statuses };
};

/** Open loop at `rate` GETs/s (rest-open-loop.ts). */
const offered = async (api: BenchApi, requests: BenchRequest[], rate: number): Promise<Measured> => {
  const r = await openLoop(api.url, requests, rate, Number(values.duration));
  const answers = Object.values(r.statuses).reduce((a, b) => a + b, 0);
  const statuses = `${statusText(r.statuses)}${r.late ? ` late sends×${r.late}` : ''}`;
  return { rps: answers / r.seconds, p50: r.latency.p50, p99: r.latency.p99, answers, bytes: r.bytes, statuses };
};

/**
 * CPU seconds so far of the PostgreSQL backends serving the api's database (PostgreSQL on this
 * machine: /proc), 0 when they cannot be read. The api's pool keeps its connections between runs.
 */
const postgresCpu = async (api: BenchApi): Promise<number> => {
  const client = new pg.Client({ connectionString: api.databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.reduce((sum, r) => sum + cpuSecondsOr0(r.pid), 0);
  } finally {
    await client.end();
  }
};

const cpuSecondsOr0 = (pid: number): number => {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
};

/** One run of a case; the api's and PostgreSQL's CPU time over it divided by the answers it gave. */
const runCase = async (api: BenchApi, c: Case): Promise<void> => {
  const requests = await requestsOf(api, c);
  const loadBefore = load();
  const [cpuBefore, pgBefore] = [cpuSeconds(api.pid), await postgresCpu(api)];
  const m = c.rate ? await offered(api, requests, c.rate) : await closedLoop(api, requests);
  const perGet = (seconds: number) => ((seconds * 1000) / Math.max(1, m.answers)).toFixed(3);
  const cpu = `api CPU ${perGet(cpuSeconds(api.pid) - cpuBefore)} ms/GET, PostgreSQL ${perGet((await postgresCpu(api)) - pgBefore)}`;
  const ms = (v: number) => v.toFixed(1).padStart(5);
  log(
    `${c.name.padEnd(34)} ${m.rps.toFixed(0).padStart(5)} req/s  p50 ${ms(m.p50)} ms  p99 ${ms(m.p99)} ms  ${cpu}  ` +
      `${(m.bytes / Math.max(1, m.answers)).toFixed(0)} B/answer  [${m.statuses}]  load ${loadBefore} → ${load()}`,
  );
};

const casesOf = (): Case[] => {
  const rate = Number(values.rate);
  return [
    { name: 'profile, 200', routes: [PROFILE], conditional: false },
    { name: 'profile, conditional', routes: [PROFILE], conditional: true },
    { name: 'summary, 200', routes: [SUMMARY], conditional: false },
    { name: 'mix, 200', routes: MIX, conditional: false },
    { name: 'mix, conditional', routes: MIX, conditional: true },
    { name: `mix at ${rate}/s offered, 200`, routes: MIX, conditional: false, rate },
    { name: `mix at ${rate}/s offered, conditional`, routes: MIX, conditional: true, rate },
  ];
};

/** What the api spends doing nothing (its timers, Redis and PostgreSQL pings): part of every ms/GET at a low rate. */
const idleCpu = async (api: BenchApi): Promise<void> => {
  const before = cpuSeconds(api.pid);
  await new Promise((r) => setTimeout(r, 5000));
  log(`api CPU at idle: ${(((cpuSeconds(api.pid) - before) * 1000) / 5).toFixed(1)} ms/s`);
};

/** The api's profile, limited to the measured runs. */
const printProfile = (dir: string, pid: number, window: Window): void => {
  const file = readdirSync(dir).find((f) => f.endsWith(`.${pid}.0.0.cpuprofile`));
  if (file) log(`\n${formatSelfTimes(`api (${join(dir, file)})`, readCpuProfile(join(dir, file)), 30, window)}`);
};

const main = async (): Promise<void> => {
  const out = String(values.out);
  mkdirSync(out, { recursive: true });
  const cpuProfDir = values['cpu-prof'] ? out : undefined;
  const api = await startBenchApi({ logLevel: String(values['log-level']), logFile: join(out, 'api.log'), cpuProfDir });
  log(`api ${api.url} (pid ${api.pid}, LOG_LEVEL ${values['log-level']}), ${values.duration} s per run, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  let window: Window = { fromUs: 0, toUs: 0 };
  try {
    // Warm-up: JIT, pools, connections.
    await openLoop(api.url, await requestsOf(api, casesOf()[2]!), 1000, 3);
    window = { fromUs: monotonicUs(), toUs: 0 };
    await idleCpu(api);
    const cases = casesOf().filter((c) => c.name.includes(String(values.only)));
    for (let i = 0; i < Number(values.repeat); i += 1) for (const c of cases) await runCase(api, c);
    window = { ...window, toUs: monotonicUs() };
  } finally {
    await api.stop();
  }
  if (cpuProfDir) printProfile(cpuProfDir, api.pid, window);
  log(`\napi log and profile in ${out}`);
};

main().catch((err: unknown) => {
  process.stderr.write(`rest-bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
