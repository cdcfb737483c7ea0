import type { ChatResult } from '../chat-user';
import { Recorders, type LatencySummary } from '../histogram';
import { watchMachine, type MachineLoad } from './machine-load';

/** Runs one chat for user `userId` (the `index`-th of the step), recording into `rec`. */
export type RunUser = (index: number, userId: string, rec: Recorders, onResult: (r: ChatResult) => void) => Promise<void>;

/** One step of a contender: `streams` chats at once, measured the way `pnpm loadtest` measures (the same report fields). */
export type StepReport = {
  streams: number;
  durationSeconds: number;
  outcomes: Record<string, number>;
  correctness: { chats: number; exact: number; lostTokens: number; duplicatedFrames: number; reorderedFrames: number };
  latenciesMs: Record<string, LatencySummary>;
  /** CPU seconds used during the step by the contender's server processes, and by this process (clients, simulator, edge). */
  cpuSeconds: { servers: number; benchProcess: number };
  /** The machine meanwhile: load average, how busy every core was, and CPU used by anything else. */
  machine: MachineLoad;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `streams` users, each opening a connection and running one chat, all started within one second. */
export const runStep = async (streams: number, idPrefix: string, runUser: RunUser, serverCpu: () => number): Promise<StepReport> => {
  const started = Date.now();
  const endWatch = watchMachine();
  const cpuBefore = { servers: serverCpu(), bench: process.cpuUsage() };
  const rec = new Recorders();
  const outcomes: Record<string, number> = {};
  const correctness = { chats: 0, exact: 0, lostTokens: 0, duplicatedFrames: 0, reorderedFrames: 0 };
  const onResult = (r: ChatResult) => {
    correctness.chats += 1;
    if (r.ok) correctness.exact += 1;
    correctness.lostTokens += r.lost;
    correctness.duplicatedFrames += r.duplicated;
    correctness.reorderedFrames += r.reordered;
    const key = r.ok ? 'ok' : (r.cause ?? 'failed');
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  const running: Promise<void>[] = [];
  for (let i = 0; i < streams; i += 1) {
    running.push(runUser(i, `${idPrefix}_${i}`, rec, onResult));
    if (i + 1 < streams) await sleep(1000 / streams);
  }
  await Promise.all(running);
  const bench = process.cpuUsage(cpuBefore.bench);
  const cpuSeconds = { servers: serverCpu() - cpuBefore.servers, benchProcess: (bench.user + bench.system) / 1e6 };
  return {
    streams,
    durationSeconds: (Date.now() - started) / 1000,
    outcomes,
    correctness,
    latenciesMs: rec.summaries(),
    cpuSeconds,
    machine: endWatch(cpuSeconds.servers + cpuSeconds.benchProcess),
  };
};
