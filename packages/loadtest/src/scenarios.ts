import { cpus, totalmem } from 'node:os';
import type { WebSocket } from 'ws';
import { runChatUser, openSocket, type ChatResult } from './chat-user';
import { Recorders } from './histogram';
import { cpuSeconds, redisCommandCounts, rssBytes } from './process-stats';
import type { Report } from './report';
import type { Target } from './topology';

export type ChatOptions = { users: number; chats: number; thinkMs: number; rampPerSecond: number; timeoutMs: number };
export type ConnectOptions = { connections: number; ratePerSecond: number; holdSeconds: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `start(i)` for i in 0..n-1 at `perSecond`, and waits for every returned promise. */
const ramp = async (n: number, perSecond: number, start: (i: number) => Promise<void>): Promise<void> => {
  const running: Promise<void>[] = [];
  for (let i = 0; i < n; i += 1) {
    running.push(start(i));
    if (perSecond > 0 && i + 1 < n) await sleep(1000 / perSecond);
  }
  await Promise.all(running);
};

/** One line a second, so a person watching knows the run is alive. */
const progress = (line: () => string) => {
  const timer = setInterval(() => process.stdout.write(`${line()}\n`), 1000);
  return () => clearInterval(timer);
};

const baseReport = (scenario: string, options: Record<string, unknown>, started: number): Omit<Report, 'outcomes' | 'correctness' | 'latenciesMs' | 'processes' | 'redisPerToken' | 'gatewayRssPerConnectionKiB'> => ({
  scenario,
  options,
  machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node },
  startedAt: new Date(started).toISOString(),
  durationSeconds: (Date.now() - started) / 1000,
});

const processReport = (target: Target, cpuBefore: Map<number, number>) =>
  target.processes
    .filter((p) => p.pid !== undefined && p.running)
    .map((p) => ({ name: p.name, cpuSeconds: cpuSeconds(p.pid!) - (cpuBefore.get(p.pid!) ?? 0), rssMiB: rssBytes(p.pid!) / 2 ** 20 }));

const cpuSnapshot = (target: Target) => new Map(target.processes.filter((p) => p.pid !== undefined && p.running).map((p) => [p.pid!, cpuSeconds(p.pid!)]));

/** N users, each running M chats with think time; every answer checked against what the simulator sent. */
export const chatScenario = async (target: Target, o: ChatOptions, redisUrl: string | null): Promise<Report> => {
  const started = Date.now();
  const rec = new Recorders();
  const outcomes: Record<string, number> = {};
  const correctness = { chats: 0, exact: 0, lostTokens: 0, duplicatedFrames: 0, reorderedFrames: 0 };
  let tokens = 0;
  const onResult = (r: ChatResult) => {
    correctness.chats += 1;
    if (r.ok) correctness.exact += 1;
    correctness.lostTokens += r.lost;
    correctness.duplicatedFrames += r.duplicated;
    correctness.reorderedFrames += r.reordered;
    tokens += r.tokens;
    const key = r.ok ? 'ok' : (r.cause ?? 'failed');
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  const cpuBefore = cpuSnapshot(target);
  const countsBefore = redisUrl ? await redisCommandCounts(redisUrl) : null;
  const stop = progress(() => `chats ${correctness.chats}/${o.users * o.chats}, exact ${correctness.exact}, tokens ${tokens}`);
  await ramp(o.users, o.rampPerSecond, (i) => runChatUser(target, `load_${i}`, o, rec, onResult)).finally(stop);
  const countsAfter = redisUrl ? await redisCommandCounts(redisUrl) : null;
  return {
    ...baseReport('chat', o, started),
    outcomes,
    correctness,
    latenciesMs: rec.summaries(),
    processes: processReport(target, cpuBefore),
    redisPerToken:
      countsBefore && countsAfter && tokens > 0
        ? { commands: (countsAfter.commands - countsBefore.commands) / tokens, roundTrips: (countsAfter.scripts - countsBefore.scripts) / tokens }
        : null,
    gatewayRssPerConnectionKiB: null,
  };
};

/** A connect storm at a given rate, then the connections held idle (heartbeats on) for a while. */
export const connectScenario = async (target: Target, o: ConnectOptions): Promise<Report> => {
  const started = Date.now();
  const rec = new Recorders();
  const outcomes: Record<string, number> = {};
  const sockets: WebSocket[] = [];
  const gateways = target.processes.filter((p) => p.name.startsWith('ws-gateway') && p.pid !== undefined);
  const rssBefore = gateways.reduce((sum, g) => sum + rssBytes(g.pid!), 0);
  const cpuBefore = cpuSnapshot(target);
  const stop = progress(() => `connected ${sockets.length}/${o.connections}`);
  await ramp(o.connections, o.ratePerSecond, async (i) => {
    try {
      sockets.push(await openSocket(target, `idle_${i}`, await target.tokens.issue(`idle_${i}`), rec));
      outcomes.ok = (outcomes.ok ?? 0) + 1;
    } catch (err) {
      const key = (err as Error).message;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
  }).finally(stop);
  await sleep(o.holdSeconds * 1000);
  const rssAfter = gateways.reduce((sum, g) => sum + rssBytes(g.pid!), 0);
  const stillOpen = sockets.filter((s) => s.readyState === s.OPEN).length;
  outcomes.open_after_hold = stillOpen;
  sockets.forEach((s) => s.close());
  return {
    ...baseReport('connect', o, started),
    outcomes,
    correctness: { chats: 0, exact: 0, lostTokens: 0, duplicatedFrames: 0, reorderedFrames: 0 },
    latenciesMs: rec.summaries(),
    processes: processReport(target, cpuBefore),
    redisPerToken: null,
    gatewayRssPerConnectionKiB: sockets.length > 0 ? (rssAfter - rssBefore) / 1024 / sockets.length : null,
  };
};
