import type { Aggregator } from './aggregator';
import type { LoadOptions } from './args';
import { sleep } from './clock';
import type { Fleet } from './fleet';
import { perConnectionKiB, settledMemory, type Memory } from './process-stats';
import type { Gauges } from './shard-protocol';
import type { ShardHandle } from './shards';

/** What the parent holds while the client processes run a scenario. */
export type RunContext = { o: LoadOptions; fleet: Fleet; agg: Aggregator; shards: ShardHandle[]; log: (line: string) => void };

/** Gateway memory per connection, marginal: between a baseline after the warm-up and the end of the ramp (and of the hold). */
export type MemoryResult = {
  baseline: Memory | null;
  afterOpen: Memory | null;
  afterHold: Memory | null;
  /** Connections added between the baseline and the measurement. */
  connections: number;
  perConnectionKiB: { rss: number; heap: number } | null;
  afterHoldPerConnectionKiB: { rss: number; heap: number } | null;
};

export type StormResult = { armed: number; users: number; dropAt: string; drop: 'sockets' | `SIGKILL ${string}` };

export type ScenarioResult = { memory?: MemoryResult; storm?: StormResult };

/** Waits until `done(gauges)` holds, the clients finished or failed, or `timeoutMs` passed; returns whether it held. */
const until = async (ctx: RunContext, done: (g: Gauges) => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  let finished = false;
  void ctx.agg.finished.then(() => (finished = true));
  while (!done(ctx.agg.gaugeSum())) {
    if (finished || ctx.agg.failures.length > 0 || Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
};

const broadcast = (ctx: RunContext, kind: 'continue' | 'drop' | 'release') => ctx.shards.forEach((s) => s.send({ kind }));

const perConnection = (before: Memory | null, after: Memory | null, n: number) => (before && after ? perConnectionKiB(before, after, n) : null);

/** chat, mixed and voice: the users run on their own; wait for them. */
const chatRun = async (ctx: RunContext): Promise<ScenarioResult> => {
  await ctx.agg.finished;
  return {};
};

/**
 * connect and idle: the warm-up connections, a settled memory baseline, the rest of the
 * connections, memory again (marginal per connection), the hold (heartbeats run), memory once
 * more, then release.
 */
const holdRun = async (ctx: RunContext): Promise<ScenarioResult> => {
  const { o, fleet } = ctx;
  const openTimeout = (o.clients / Math.max(1, o.rampPerSecond)) * 1000 + o.timeoutMs + 10000;
  await until(ctx, (g) => g.settled >= o.warmup, openTimeout);
  const baseline = await settledMemory(fleet.gatewayMetrics);
  const openAtBaseline = ctx.agg.gaugeSum().open;
  ctx.log(`baseline: ${openAtBaseline} open${baseline ? `, gateways rss ${(baseline.rssBytes / 2 ** 20).toFixed(1)} MiB, heap ${(baseline.heapUsedBytes / 2 ** 20).toFixed(1)} MiB` : ''}`);
  broadcast(ctx, 'continue');
  await until(ctx, (g) => g.settled >= o.clients, openTimeout);
  await sleep(1000); // the last handshakes' garbage, the registry's writes
  const afterOpen = await settledMemory(fleet.gatewayMetrics);
  const added = ctx.agg.gaugeSum().open - openAtBaseline;
  ctx.log(`all ${o.clients} attempted, ${ctx.agg.gaugeSum().open} open; holding ${o.holdSeconds} s`);
  await sleep(o.holdSeconds * 1000);
  const afterHold = await settledMemory(fleet.gatewayMetrics);
  broadcast(ctx, 'release');
  await ctx.agg.finished;
  return {
    memory: {
      baseline,
      afterOpen,
      afterHold,
      connections: added,
      perConnectionKiB: perConnection(baseline, afterOpen, added),
      afterHoldPerConnectionKiB: perConnection(baseline, afterHold, added),
    },
  };
};

/**
 * storm: every user's answer under way (each has `--arm-tokens` tokens, or the arm timeout), then
 * every connection dropped at once (or one gateway SIGKILLed); the users reconnect and resume.
 */
const stormRun = async (ctx: RunContext): Promise<ScenarioResult> => {
  const { o, fleet } = ctx;
  await until(ctx, (g) => g.armed >= o.clients, o.armTimeoutMs + (o.clients / Math.max(1, o.rampPerSecond)) * 1000);
  const armed = ctx.agg.gaugeSum().armed;
  const dropAt = new Date().toISOString();
  let drop: StormResult['drop'] = 'sockets';
  if (o.killGateway) drop = `SIGKILL ${fleet.killGateway()}`;
  else broadcast(ctx, 'drop');
  ctx.log(`storm: ${armed}/${o.clients} answers under way; ${drop === 'sockets' ? 'every client socket terminated' : drop}`);
  await ctx.agg.finished;
  return { storm: { armed, users: o.clients, dropAt, drop } };
};

/** The parent's part of each scenario (the users' part runs in the client processes). */
export const scenarioRuns: Record<LoadOptions['scenario'], (ctx: RunContext) => Promise<ScenarioResult>> = {
  chat: chatRun,
  mixed: chatRun,
  connect: holdRun,
  idle: holdRun,
  storm: stormRun,
  voice: chatRun,
};
