import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSeconds } from '../process-stats';
import { startLocalTopology, type Target } from '../topology';
import { systemContender } from './contenders';
import { formatSelfTimes, monotonicUs, readCpuProfile, type Window } from './cpuprofile';
import { commandsByClient, commandStats, startScratchRedis, statsDelta } from './redis-counts';
import { runStep, type StepReport } from './run-step';

// `pnpm --dir packages/loadtest profile`: this system alone (2 gateways + 2 workers, clients straight to the
// gateways) on a scratch redis-server, gateways and workers CPU-profiled (cpu-profile-preload.mjs). Prints the
// top self-time functions of each during the measured step, Redis commands per delivered token
// (INFO commandstats delta) and, from a smaller MONITOR run, which connection sent them.

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '200' },
    'monitor-streams': { type: 'string', default: '50' },
    tps: { type: 'string', default: '30' },
    'answer-tokens': { type: 'string', default: '120' },
    /** Skip the CPU profiles (they cost the services some CPU): only CPU seconds and Redis counts. */
    'no-cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: join(tmpdir(), `aurawell-profile-${new Date().toISOString().replace(/[:.]/g, '-')}`) },
  },
});

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const brief = (s: StepReport) =>
  `${s.streams} streams: ${s.correctness.exact}/${s.correctness.chats} exact, added p50 ${s.latenciesMs.added_latency?.p50.toFixed(1)} / p99 ${s.latenciesMs.added_latency?.p99.toFixed(1)} ms, server CPU ${s.cpuSeconds.servers.toFixed(2)} s`;

/** Commands per delivered token, overall and for the generation store's script. */
const perToken = (delta: [string, number][], tokens: number): string[] =>
  delta.slice(0, 20).map(([cmd, n]) => `  ${cmd.padEnd(28)} ${String(n).padStart(8)}  ${(n / tokens).toFixed(3)} per token`);

/** Read and write system calls so far of a process (Linux /proc/<pid>/io): socket reads and writes, nearly all of them. */
const syscalls = (pid: number): { r: number; w: number } => {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { r: Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0), w: Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0) };
};

/** Each gateway's and worker's read and write system calls per delivered token between two snapshots. */
const syscallsPerToken = (target: Target, before: Map<string, { r: number; w: number }>, tokens: number): string =>
  target.processes
    .filter((p) => /gateway|worker/.test(p.name))
    .map((p) => {
      const now = syscalls(p.pid ?? 0);
      const b = before.get(p.name) ?? { r: 0, w: 0 };
      return `${p.name} ${((now.r - b.r) / tokens).toFixed(2)} reads / ${((now.w - b.w) / tokens).toFixed(2)} writes`;
    })
    .join(', ');

/** CPU seconds so far of each service process and of redis-server. */
const processCpu = (target: Target, redisPid: number): Map<string, number> =>
  new Map([...target.processes.map((p): [string, number] => [p.name, cpuSeconds(p.pid ?? 0)]), ['redis-server', cpuSeconds(redisPid)]]);

const cpuDelta = (a: Map<string, number>, b: Map<string, number>): string =>
  [...b].map(([name, s]) => `${name} ${(s - (a.get(name) ?? 0)).toFixed(2)}`).join(', ');

/** The topology on the scratch Redis, its services CPU-profiled into `out` unless --no-cpu-prof. */
const startProfiledTopology = async (out: string, redisUrl: string, answerTokens: number): Promise<Target> => {
  process.env.REDIS_URL = redisUrl;
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  // Every service of the topology (and the seed script) inherits these; only gateways and workers are read.
  if (!values['no-cpu-prof']) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(join(__dirname, 'cpu-profile-preload.mjs')).href}`.trim();
  process.env.AURAWELL_CPU_PROF_DIR = out;
  const target = await startLocalTopology({ gateways: 2, workers: 2, tokensPerSecond: Number(values.tps), firstTokenDelayMs: 200, answerTokens });
  delete process.env.NODE_OPTIONS;
  delete process.env.AURAWELL_CPU_PROF_DIR;
  return target;
};

/** The top self-time functions of each gateway's and worker's profile, within the measured window. */
const profileSummaries = (out: string, pids: Map<number | undefined, string>, window: Window): string[] =>
  readdirSync(out)
    .filter((f) => f.endsWith('.cpuprofile'))
    .flatMap((file) => {
      const name = pids.get(Number(file.split('.')[3]));
      return name && /gateway|worker/.test(name) ? [`\n${formatSelfTimes(`${name} (${file})`, readCpuProfile(join(out, file)), 25, window)}`] : [];
    });

type Step = (streams: number, tag: string) => Promise<StepReport>;
type Say = (line: string) => void;

/** The measured step: CPU seconds, system calls and Redis commands per delivered token. Returns its time window. */
const measure = async (target: Target, redis: { url: string; pid: number }, step: Step, answerTokens: number, say: Say): Promise<Window> => {
  const before = await commandStats(redis.url);
  const cpuBefore = processCpu(target, redis.pid);
  const ioBefore = new Map(target.processes.map((p) => [p.name, syscalls(p.pid ?? 0)]));
  const fromUs = monotonicUs();
  const measured = await step(Number(values.streams), 'm');
  const window = { fromUs, toUs: monotonicUs() };
  say(`CPU seconds in the measured step: ${cpuDelta(cpuBefore, processCpu(target, redis.pid))}`);
  const delta = statsDelta(before, await commandStats(redis.url));
  const tokens = measured.correctness.exact * answerTokens;
  say(`measured: ${brief(measured)}`);
  say(`system calls per delivered token (every socket of the process; a worker's writes bound its Redis round trips): ${syscallsPerToken(target, ioBefore, tokens)}`);
  say(`redis commands during the measured step (${tokens} tokens delivered):`);
  for (const l of perToken(delta, tokens)) say(l);
  return window;
};

/** A smaller run under MONITOR: which connection sent the commands. */
const monitorRun = async (redisUrl: string, step: Step, answerTokens: number, say: Say): Promise<void> => {
  const mStreams = Number(values['monitor-streams']);
  const byClient = await commandsByClient(redisUrl, async () => void (await step(mStreams, 'mon')));
  say(`by connection, MONITOR run of ${mStreams} streams (${mStreams * answerTokens} tokens):`);
  for (const l of perToken([...byClient].sort((a, b) => b[1] - a[1]), mStreams * answerTokens)) say(l);
};

const main = async (): Promise<void> => {
  const out = String(values.out);
  mkdirSync(out, { recursive: true });
  const redis = await startScratchRedis();
  const answerTokens = Number(values['answer-tokens']);
  const target = await startProfiledTopology(out, redis.url, answerTokens);
  const contender = systemContender(target, 120_000);
  const lines: string[] = [];
  const say = (line: string) => {
    log(line);
    lines.push(line);
  };
  let window: Window = { fromUs: 0, toUs: 0 };
  const pids = new Map(target.processes.map((p) => [p.pid, p.name]));
  try {
    const step = async (streams: number, tag: string) => {
      target.sim!.clearTranscripts();
      await sleep(1500);
      return runStep(streams, `prof_${tag}${streams}`, contender.runUser, contender.serverCpu);
    };
    say(`warm-up: ${brief(await step(100, 'w'))}`);
    window = await measure(target, redis, step, answerTokens, say);
    await monitorRun(redis.url, step, answerTokens, say);
  } finally {
    await target.stop();
    await redis.stop();
  }
  for (const summary of profileSummaries(out, pids, window)) say(summary);
  writeFileSync(join(out, 'summary.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(out, 'window.json'), JSON.stringify(window));
  log(`\nprofiles and summary.txt in ${out}`);
  process.exit(0);
};

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
