import { cpus, loadavg, totalmem } from 'node:os';
import type { ServiceProcess } from '@aurawell/devstack';
import type { Aggregator, SeriesPoint } from './aggregator';
import type { LoadOptions } from './args';
import { withPrefix } from './counters';
import type { FdLimits } from './fd-limit';
import type { Fleet } from './fleet';
import { cpuSeconds, rssBytes, type RedisCounts } from './process-stats';
import { correctnessOf, restByRoute, voiceSummaryOf, type Report } from './report';
import type { ScenarioResult } from './scenarios';

/** CPU seconds of each running service process now, by pid. */
export const cpuSnapshot = (processes: ServiceProcess[]): Map<number, number> =>
  new Map(processes.filter((p) => p.pid !== undefined && p.running).map((p) => [p.pid!, cpuSeconds(p.pid!)]));

/** CPU used during the run by each service process (killed ones are left out), each client process, and the harness itself. */
const processReport = (fleet: Fleet, cpuBefore: Map<number, number>, agg: Aggregator, harnessCpu: NodeJS.CpuUsage, procs: number): Report['processes'] => [
  ...fleet.processes
    .filter((p) => p.pid !== undefined && p.running)
    .map((p) => ({ name: p.name, cpuSeconds: cpuSeconds(p.pid!) - (cpuBefore.get(p.pid!) ?? 0), rssMiB: rssBytes(p.pid!) / 2 ** 20 })),
  ...(procs > 1 ? [...agg.clientCpu].map(([shard, cpu]) => ({ name: `client process ${shard}`, cpuSeconds: cpu, rssMiB: null })) : []),
  {
    name: `harness (${[procs === 1 ? 'clients' : null, fleet.processes.length > 0 ? 'simulator, dev edge' : null].filter(Boolean).join(', ') || 'coordination'})`,
    cpuSeconds: (harnessCpu.user + harnessCpu.system) / 1e6,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  },
];

/** The options as recorded (the password left out). */
const recordedOptions = (o: LoadOptions): Record<string, unknown> => {
  const { password: _password, ...rest } = o;
  return rest;
};

export type RunFacts = {
  o: LoadOptions;
  fleet: Fleet;
  agg: Aggregator;
  result: ScenarioResult;
  started: number;
  /** The machine's 1-minute load average when the run started (other work on the same cores shows here). */
  loadAtStart: number;
  fdLimit: FdLimits | null;
  cpuBefore: Map<number, number>;
  harnessCpu: NodeJS.CpuUsage;
  redis: { before: RedisCounts; after: RedisCounts } | null;
};

const redisPerToken = (redis: RunFacts['redis'], tokens: number): Report['redisPerToken'] =>
  redis && tokens > 0 ? { commands: (redis.after.commands - redis.before.commands) / tokens, roundTrips: (redis.after.scripts - redis.before.scripts) / tokens } : null;

/** The report of a finished run, from what the aggregator merged and what the parent measured. */
export const assembleReport = (f: RunFacts): Report => {
  const { o, agg } = f;
  const latenciesMs = agg.totals.summaries();
  const series: SeriesPoint[] = agg.series;
  return {
    scenario: o.scenario,
    options: recordedOptions(o),
    target: f.fleet.description,
    machine: {
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.versions.node,
      fdLimit: f.fdLimit,
      clientProcesses: o.procs,
      loadAverage: { start: f.loadAtStart, end: loadavg()[0] ?? 0 },
    },
    startedAt: new Date(f.started).toISOString(),
    durationSeconds: (Date.now() - f.started) / 1000,
    outcomes: withPrefix(agg.counters, 'outcome:'),
    correctness: correctnessOf(agg.counters, f.fleet.simUrl !== null),
    counters: agg.counters,
    latenciesMs,
    processes: processReport(f.fleet, f.cpuBefore, agg, f.harnessCpu, o.procs),
    redisPerToken: redisPerToken(f.redis, agg.counters.tokens ?? 0),
    gatewayRssPerConnectionKiB: f.result.memory?.perConnectionKiB?.rss ?? null,
    memory: f.result.memory ?? null,
    storm: f.result.storm ?? null,
    rest: o.scenario === 'mixed' ? { ratePerSecond: o.restRate, byRoute: restByRoute(o.routes, agg.counters, latenciesMs) } : null,
    voice: o.scenario === 'voice' ? voiceSummaryOf(agg.counters, latenciesMs) : null,
    failures: agg.failures,
    series,
  };
};
