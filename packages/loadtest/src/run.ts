import { loadavg } from 'node:os';
import { nginxInstalled } from '@aurawell/devstack';
import { Aggregator, type SeriesPoint } from './aggregator';
import type { LoadOptions } from './args';
import { assembleReport, cpuSnapshot } from './assemble';
import type { FdLimits } from './fd-limit';
import { localFleet, urlFleet, type Fleet } from './fleet';
import { loginAll } from './login';
import { gatewaysMemory, redisCommandCounts } from './process-stats';
import type { Report } from './report';
import { scenarioRuns, type RunContext } from './scenarios';
import { startShards } from './shards';
import { shardSpecs } from './specs';
import { startLocalTopology, type EdgeKind } from './topology';

export type Log = (line: string) => void;

/** `--edge auto`: nginx with the production rules when there are several gateways and nginx is installed. */
export const resolveEdge = (o: Pick<LoadOptions, 'edge' | 'gateways'>, hasNginx: boolean): EdgeKind =>
  o.edge !== 'auto' ? o.edge : o.gateways >= 2 && hasNginx ? 'nginx' : 'dev';

/** The fleet to load: the given URL, or the local topology started now. */
const openFleet = async (o: LoadOptions, log: Log): Promise<Fleet> => {
  if (o.url !== null) {
    const { url, apiUrl, simUrl, redisUrl, gatewayMetrics, userPrefix, password } = o;
    return urlFleet({ url, apiUrl: apiUrl ?? undefined, simUrl: simUrl ?? undefined, redisUrl: redisUrl ?? undefined, gatewayMetrics, userPrefix, password });
  }
  // Same defaults as `pnpm start` on a machine of the README's kind; the topology makes its own database and prefix.
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  const edge = resolveEdge(o, nginxInstalled());
  log(`starting ${o.gateways} gateway(s), ${o.workers} worker(s) (${edge === 'none' ? 'no edge' : `${edge} edge`}), simulator at ${o.tps} tokens/s, ${o.answerTokens}-token answers`);
  const target = await startLocalTopology({
    gateways: o.gateways,
    workers: o.workers,
    tokensPerSecond: o.tps,
    firstTokenDelayMs: o.firstTokenMs,
    answerTokens: o.answerTokens,
    edge,
    gatewayEnv: o.heartbeatMs === null ? undefined : { HEARTBEAT_INTERVAL_MS: String(o.heartbeatMs) },
    connections: o.clients,
  });
  // On a cluster run (REDIS_CLUSTER_NODES, which the services read too) Redis is counted over its primaries.
  return localFleet(target, process.env.REDIS_CLUSTER_NODES || process.env.REDIS_URL, o.userPrefix);
};

const PROGRESS_COUNTERS = ['chats', 'exact', 'tokens', 'sentences', 'drops', 'reconnects', 'terminated_sockets', 'dropped_during_hold'];

/** The line printed every second. */
export const progressLine = (p: SeriesPoint, agg: Aggregator, o: LoadOptions): string => {
  const c = agg.counters;
  const g = agg.gaugeSum();
  const rest = Object.entries(c).filter(([k]) => k.startsWith('rest:')).reduce((s, [, n]) => s + n, 0);
  const counts = PROGRESS_COUNTERS.filter((k) => c[k]).map((k) => `${k} ${c[k]}`);
  const p99 = Object.entries(p.latencyMs).map(([name, s]) => `${name} ${s.p99.toFixed(0)}`);
  return [
    `[${p.t.toFixed(0).padStart(4)} s] open ${p.open}${o.scenario === 'storm' ? `, armed ${g.armed}/${o.clients}` : ''}${o.scenario === 'connect' || o.scenario === 'idle' ? `, attempted ${g.settled}/${o.clients}` : ''}`,
    ...counts,
    ...(rest > 0 ? [`rest ${rest}`] : []),
    ...(p.gatewayRssMiB === null ? [] : [`gateways rss ${p.gatewayRssMiB.toFixed(0)} MiB`]),
    ...(p99.length > 0 ? [`p99 ms this second: ${p99.join(', ')}`] : []),
  ].join(' | ');
};

/** Every second: gateway memory, a series point, the progress line. Returns the stop function. */
const startSampler = (agg: Aggregator, fleet: Fleet, o: LoadOptions, log: Log): (() => void) => {
  const timer = setInterval(() => {
    void gatewaysMemory(fleet.gatewayMetrics).then((m) => log(progressLine(agg.sample(m), agg, o)));
  }, 1000);
  return () => clearInterval(timer);
};

/** Runs the scenario on an open fleet: credentials, client processes, the parent's part, the report. */
const loadFleet = async (o: LoadOptions, fleet: Fleet, fdLimit: FdLimits | null, log: Log): Promise<Report> => {
  const started = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const users = await fleet.credentials(o.clients, o.perUser);
  const restTokens = o.scenario === 'mixed' ? await loginAll(fleet.httpBase, o.restLogin) : [];
  const cpuBefore = cpuSnapshot(fleet.processes);
  const before = fleet.redisUrl ? await redisCommandCounts(fleet.redisUrl) : null;
  const harnessCpu = process.cpuUsage();
  const agg = new Aggregator(o.procs);
  const until = o.scenario === 'mixed' ? Date.now() + o.durationSeconds * 1000 : undefined;
  const shards = startShards(shardSpecs(o, fleet, users, restTokens, until), (m) => agg.onMessage(m));
  const stopSampler = startSampler(agg, fleet, o, log);
  const ctx: RunContext = { o, fleet, agg, shards, log };
  let result;
  try {
    result = await scenarioRuns[o.scenario](ctx);
  } finally {
    stopSampler();
    await Promise.all(shards.map((s) => s.stop()));
  }
  agg.sample(await gatewaysMemory(fleet.gatewayMetrics));
  const after = fleet.redisUrl && before ? await redisCommandCounts(fleet.redisUrl) : null;
  const redis = before && after ? { before, after } : null;
  return assembleReport({ o, fleet, agg, result, started, loadAtStart, fdLimit, cpuBefore, harnessCpu: process.cpuUsage(harnessCpu), redis });
};

/** A whole run: the fleet up (or reached), the scenario, the fleet down; the report. */
export const runLoad = async (o: LoadOptions, fdLimit: FdLimits | null, log: Log): Promise<Report> => {
  const fleet = await openFleet(o, log);
  try {
    return await loadFleet(o, fleet, fdLimit, log);
  } finally {
    await fleet.stop();
  }
};
