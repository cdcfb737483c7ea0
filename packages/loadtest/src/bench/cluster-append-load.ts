import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createGenerationStore, type GenerationStore } from '@aurawell/generation';
import { createKeys, createLogger, createRedis, waitForRedis, type RedisClient, type RedisTarget } from '@aurawell/platform';
import { chatStreamFrame, statusUpdateFrame, type GenerationRef, type GenerationStatus } from '@aurawell/protocol';

// The load of the cluster-append benchmark, in child processes (one Node process cannot keep
// several Redis primaries busy): writers drive the real append path (GenerationStore: start,
// claim, then one append per frame, each one Lua script that XADDs and SPUBLISHes), and one
// subscriber SSUBSCRIBEs every user's channel as a gateway does, counting the frames delivered.

export type Role = 'writer' | 'subscriber';

/**
 * `answerFrames`: token frames per answer (each answer also has its `sending`, `streaming` and `done`).
 */
export type LoadConfig = { target: RedisTarget | string; prefix: string; users: string[]; answerFrames: number };

/** A child's counters so far. Frames = started (each `sending` frame) + appended (`streaming`, tokens, `done`). */
export type Counts = { started: number; appended: number; delivered: number; errors: number; frameBytes: number; cpuMicros: number; firstError: string | null };

type Command = 'go' | 'sample' | 'stop';
type Reply = { type: 'ready' } | { type: 'counts'; counts: Counts };

const zero = (): Counts => ({ started: 0, appended: 0, delivered: 0, errors: 0, frameBytes: 0, cpuMicros: 0, firstError: null });

/** Text deltas of a real answer (the simulator's Chinese health advice), a few characters each. */
const DELTAS = ['规律作息', '，睡前一小时', '远离手机屏幕', '，保持卧室', '安静、黑暗', '和凉爽；', '白天适量运动', '，避免午后', '摄入咖啡因。'];

const failed = (c: Counts, err: unknown) => {
  c.errors += 1;
  c.firstError ??= err instanceof Error ? err.message : String(err);
};

/**
 * Frame `seq` of an answer as the worker writes it: `streaming` (seq 2), `tokens` token frames, then
 * `done` with the whole text; `sending` (seq 1) is the start's.
 */
const frameAt = (ref: GenerationRef, seq: number, tokens: number): { frame: string; status?: GenerationStatus } => {
  if (seq === 2) return { frame: JSON.stringify(statusUpdateFrame(ref, seq, 'streaming')), status: 'streaming' };
  if (seq <= tokens + 2) return { frame: JSON.stringify(chatStreamFrame(ref, seq, DELTAS[seq % DELTAS.length]!)) };
  const text = Array.from({ length: tokens }, (_, i) => DELTAS[(i + 3) % DELTAS.length]).join('');
  return { frame: JSON.stringify(statusUpdateFrame(ref, seq, 'done', { full_response: text, conversation_id: ref.conversationId, message_id: ref.messageId })), status: 'done' };
};

/** Answers one after another for one user: start, claim, then every frame of `frameAt`; until stopped. */
const userLoop = async (store: GenerationStore, userId: string, cfg: LoadConfig, c: Counts, state: { stopped: boolean }) => {
  const conversationId = randomUUID();
  while (!state.stopped) {
    const ref = { messageId: randomUUID(), conversationId };
    const sending = JSON.stringify(statusUpdateFrame(ref, 1, 'sending'));
    const started = await store.start({ userId, messageId: ref.messageId, conversationId, sendingFrame: sending, maxRunning: 2, deadlineMs: 600_000 });
    if (started !== 'started') throw new Error(`start ${started}`);
    c.started += 1; // its frame is written and published, whatever the claim does
    c.frameBytes += Buffer.byteLength(sending);
    if ((await store.claim(userId, ref.messageId, 'bench-owner')) !== 1) throw new Error('claim refused');
    for (let seq = 2; seq <= cfg.answerFrames + 3 && !state.stopped; seq += 1) {
      const { frame, status } = frameAt(ref, seq, cfg.answerFrames);
      const res = await store.append({ userId, messageId: ref.messageId, owner: 'bench-owner', seq, frame, ...(status ? { status } : {}) });
      if (res !== 'ok') throw new Error(`append ${res}`);
      c.appended += 1;
      c.frameBytes += Buffer.byteLength(frame);
    }
  }
};

/** Answers IPC commands with the counters; `go` and `stop` run the role's own actions first. */
const serve = (c: Counts, actions: { go(): void; stop(): Promise<void> }) => {
  const cpuStart = process.cpuUsage();
  const reply = () => {
    const cpu = process.cpuUsage(cpuStart);
    process.send!({ type: 'counts', counts: { ...c, cpuMicros: cpu.user + cpu.system } } satisfies Reply);
  };
  process.on('message', (cmd: Command) => {
    if (cmd === 'go') actions.go();
    if (cmd === 'stop') void actions.stop().finally(() => (reply(), process.exit(0)));
    else reply();
  });
  process.send!({ type: 'ready' } satisfies Reply);
};

const connect = async (cfg: LoadConfig, role: 'command' | 'subscriber'): Promise<RedisClient> => {
  const redis = createRedis(cfg.target, { name: `bench-${role}`, role, logger: createLogger('bench-cluster-append', 'warn') });
  await waitForRedis(redis, 20000);
  return redis;
};

const runWriter = async (cfg: LoadConfig): Promise<void> => {
  const redis = await connect(cfg, 'command');
  // The worker's settings: frames replayable for an hour, at most 20,000 per generation.
  const store = createGenerationStore(redis, createKeys(cfg.prefix), { maxFrames: 20000, retentionMs: 3_600_000 });
  const c = zero();
  const state = { stopped: false };
  let loops: Promise<unknown>[] = [];
  serve(c, {
    go: () => void (loops = cfg.users.map((u) => userLoop(store, u, cfg, c, state).catch((err: unknown) => failed(c, err)))),
    stop: async () => {
      state.stopped = true;
      await Promise.all(loops);
      redis.disconnect();
    },
  });
};

const runSubscriber = async (cfg: LoadConfig): Promise<void> => {
  const sub = await connect(cfg, 'subscriber');
  const keys = createKeys(cfg.prefix);
  const c = zero();
  sub.on('smessage', () => void (c.delivered += 1));
  // One SSUBSCRIBE per user, as the gateway's fanout subscribes each user it holds.
  await Promise.all(cfg.users.map((u) => sub.ssubscribe(keys.userChannel(u))));
  serve(c, { go: () => undefined, stop: async () => void sub.disconnect() });
};

/** The child's side: `argv` is [role, config JSON]. */
export const runChild = async (argv: string[]): Promise<void> => {
  // The coordinator gone (ctrl-C, a crash), even while this still connects, or before it got here: nothing left to measure for.
  process.on('disconnect', () => process.exit(0));
  if (!process.connected) process.exit(0);
  const cfg = JSON.parse(argv[1] ?? '{}') as LoadConfig;
  await (argv[0] === 'writer' ? runWriter(cfg) : runSubscriber(cfg));
};

/** A forked child of `file` in `role`, and its commands: resolve with its counters. */
export type LoadChild = { role: Role; child: ChildProcess; ask(cmd: Command): Promise<Counts> };

/** `onFork` gets the process at once, before it is ready, so that whoever cleans up can kill it. */
export const forkLoad = async (file: string, role: Role, cfg: LoadConfig, onFork: (child: ChildProcess) => void): Promise<LoadChild> => {
  const child = fork(file, [role, JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onFork(child);
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${role} exited (code ${code}) before answering`));
      child.once('exit', onExit);
      child.once('message', (m: Reply) => (child.off('exit', onExit), resolve(m)));
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`${role}: expected ready, got ${ready.type}`);
  return {
    role,
    child,
    ask: async (cmd) => {
      const reply = next();
      child.send(cmd);
      const r = await reply;
      if (r.type !== 'counts') throw new Error(`${role}: expected counts, got ${r.type}`);
      return r.counts;
    },
  };
};
