// The shared set-up and helpers of the worker's generation tests (one file per theme).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createPool, newConversationId, newMessageId, type Pool } from '@aurawell/db';
import { startDeepSeekSimulator, type DeepSeekSimulator, type Transcript } from '@aurawell/deepseek-sim';
import { createKeys, Registry, type Logger, type Keys } from '@aurawell/platform';
import { createGenerationStore, type GenerationStore } from '@aurawell/generation';
import { chatStreamFrame, ServerFrame, statusUpdateFrame, terminalStatuses, ChatJob, type GenerationStatus } from '@aurawell/protocol';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix, testRedisUrl, type TestDatabase } from '@aurawell/testkit';
import { runGeneration, type Outcome } from './generation';
import type { GenerationDeps } from './generation-deps';
import { createLlmStream, type LlmSettings } from './llm';
import { createWorkerMetrics } from './metrics';


/**
 * What the worker logged at warn and above, so a test can tell that a path logged no error.
 * (pino is not a dependency of this service, so a tiny recorder stands in for the logger.)
 */
export type LogLine = { level: 'warn' | 'error'; msg: string; fields: Record<string, unknown> };
export const logLines: LogLine[] = [];
export const recordingLogger = (bindings: Record<string, unknown> = {}): Logger => {
  const at = (level: LogLine['level'] | null) => (a: unknown, b?: string) => {
    if (!level) return;
    const fields = typeof a === 'object' && a !== null ? { ...bindings, ...(a as Record<string, unknown>) } : bindings;
    logLines.push({ level, msg: typeof a === 'string' ? a : (b ?? ''), fields });
  };
  const logger = { level: 'warn', trace: at(null), debug: at(null), info: at(null), warn: at('warn'), error: at('error'), fatal: at('error') };
  return Object.assign(logger, { child: (more: Record<string, unknown>) => recordingLogger({ ...bindings, ...more }) }) as unknown as Logger;
};
export const logger = recordingLogger();
export let db: TestDatabase;
export let pool: Pool;
export let sim: DeepSeekSimulator;
export let redis: Redis;
export let sub: Redis;
export let prefix: string;
export let keys: Keys;
export let store: GenerationStore;
export let registry: Registry;
export let baseDeps: GenerationDeps;
export const received = new Map<string, string[]>();

export const llmSettings = (over: Partial<LlmSettings> = {}): LlmSettings => ({
  apiKey: 'sim-key',
  baseURL: sim.url,
  model: 'deepseek-v4-flash',
  thinking: false,
  temperature: 0.3,
  maxTokens: 2048,
  maxRetries: 2,
  attemptTimeoutMs: 5000,
  ...over,
});

/** Registers the shared set-up (database, simulator, Redis, store) in the calling test file. */
export const useGenerationTestEnv = (): void => {
  jest.setTimeout(20_000);
  beforeAll(async () => {
    [db, sim] = await Promise.all([createTestDatabase(), startDeepSeekSimulator({ tokensPerSecond: 1000, firstTokenDelayMs: 10 })]);
    pool = createPool(db.url, logger);
    prefix = testPrefix();
    keys = createKeys(prefix);
    redis = new Redis(testRedisUrl(), { enableAutoPipelining: true });
    sub = new Redis(testRedisUrl());
    sub.on('smessage', (channel: string, message: string) => received.get(channel)?.push(message));
    store = createGenerationStore(redis, keys, { maxFrames: 5000, retentionMs: 60_000 });
    registry = new Registry();
    baseDeps = {
      store,
      db: pool,
      llm: createLlmStream(llmSettings()),
      logger,
      metrics: createWorkerMetrics(registry),
      limits: { historyTurns: 10, firstTokenDeadlineMs: 5000, generationDeadlineMs: 15_000 },
    };
  });

  afterAll(async () => {
    await Promise.allSettled([redis?.quit(), sub?.quit(), pool?.end(), sim?.close()]);
    await Promise.allSettled([prefix ? deleteKeysWithPrefix(prefix) : undefined, db?.drop()]);
  });
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const waitFor = async (check: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};

export type Frame = ServerFrame & { seq?: number; message_id?: string | null; data?: Record<string, unknown> | null };

/** A user with a fresh id whose channel is subscribed before anything happens. */
export const newUser = async (userId = `u_${randomUUID().slice(0, 8)}`) => {
  const channel = keys.userChannel(userId);
  received.set(channel, []);
  await sub.ssubscribe(channel);
  const raw = () => (received.get(channel) ?? []).filter((m) => !m.startsWith('marker-'));
  return {
    userId,
    raw,
    frames: (): Frame[] => raw().map((m) => ServerFrame.parse(JSON.parse(m)) as Frame),
    /** Every frame published before this call has been received once it returns (channels keep order). */
    flush: async () => {
      const marker = `marker-${randomUUID()}`;
      await redis.spublish(channel, marker);
      await waitFor(() => (received.get(channel) ?? []).includes(marker), 'the marker');
    },
  };
};
export type User = Awaited<ReturnType<typeof newUser>>;

export type Case = {
  message: string;
  kind?: 'health' | 'general' | 'advice';
  /** Fields of the job the REST advice routes set. */
  job?: { instructions?: string; maxTokens?: number; persist?: boolean };
  user?: User;
  conversationId?: string;
  newConversation?: boolean;
  activeMemberId?: string | null;
  context?: Record<string, unknown> | null;
  deps?: Partial<GenerationDeps>;
  /** Skips the gateway's `store.start`, as if the generation had expired. */
  noStart?: boolean;
  beforeRun?: (g: { userId: string; messageId: string }) => Promise<void>;
  during?: (g: { userId: string; messageId: string; user: User; abort: () => void }) => Promise<void>;
};

/** Unique text so the simulator's transcript of this case can be found. */
export const tagged = (text: string) => `${text} #${randomUUID().slice(0, 8)}`;

/** Creates the generation as the gateway does, runs it, and collects what the user's devices got. */
export const runCase = async (c: Case) => {
  const user = c.user ?? (await newUser());
  const userId = user.userId;
  const messageId = newMessageId();
  const conversationId = c.conversationId ?? newConversationId(userId);
  const ref = { messageId, conversationId };
  const before = user.raw().length;
  if (!c.noStart) {
    const started = await store.start({
      userId,
      messageId,
      conversationId,
      sendingFrame: JSON.stringify(statusUpdateFrame(ref, 1, 'sending')),
      maxRunning: 5,
      deadlineMs: 60_000,
    });
    expect(started).toBe('started');
  }
  await c.beforeRun?.({ userId, messageId });
  const job: ChatJob = ChatJob.parse({
    v: 1,
    messageId,
    userId,
    kind: c.kind ?? 'health',
    message: c.message,
    context: c.context ?? null,
    conversationId,
    newConversation: c.newConversation ?? c.conversationId === undefined,
    activeMemberId: c.activeMemberId ?? null,
    ...c.job,
    requestId: null,
    acceptedAt: Date.now(),
  });
  const controller = new AbortController();
  const logsBefore = logLines.length;
  const t0 = performance.now();
  const run = runGeneration(job, { ...baseDeps, ...c.deps }, controller.signal);
  await c.during?.({ userId, messageId, user, abort: () => controller.abort() });
  const outcome: Outcome = await run;
  const elapsedMs = performance.now() - t0;
  await user.flush();
  const frames = user.frames().slice(before).filter((f) => f.message_id === messageId);
  const transcripts = sim.transcripts().filter((t) => t.lastUserMessage === c.message);
  const logs = logLines.slice(logsBefore);
  return { outcome, frames, transcripts, transcript: transcripts.at(-1), job, userId, messageId, conversationId, elapsedMs, logs };
};

export type Result = Awaited<ReturnType<typeof runCase>>;

export const statusOf = (f: Frame): GenerationStatus | null => (f.type === 'status_update' ? f.status : null);
export const deltas = (frames: Frame[], type: 'chat_stream' | 'reasoning_stream') =>
  frames.filter((f) => f.type === type).map((f) => (f as { delta: string }).delta);

/**
 * The invariants of every generation: seq 1..n without gap or repeat, sending then streaming,
 * and exactly one terminal status, which is the last frame.
 */
export const expectWellFormed = (r: Result, terminal: 'done' | 'error' | 'cancelled', opts: { streaming?: boolean } = {}) => {
  const { frames } = r;
  expect(r.logs.filter((l) => l.level === 'error')).toEqual([]);
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1));
  for (const f of frames) expect(f.message_id).toBe(r.messageId);
  expect(statusOf(frames[0]!)).toBe('sending');
  if (opts.streaming !== false) expect(statusOf(frames[1]!)).toBe('streaming');
  const terminals = frames.filter((f) => {
    const s = statusOf(f);
    return s !== null && terminalStatuses.has(s);
  });
  expect(terminals).toHaveLength(1);
  expect(frames.at(-1)).toBe(terminals[0]);
  expect(statusOf(frames.at(-1)!)).toBe(terminal);
  // Streams come only between `streaming` and the end.
  const firstStream = frames.findIndex((f) => f.type === 'chat_stream' || f.type === 'reasoning_stream');
  if (firstStream !== -1) expect(firstStream).toBeGreaterThan(1);
  return frames.at(-1)!.data ?? {};
};

/** The `error` frame and the terminal `status_update` `error` old clients read. */
export const expectFailure = (r: Result, code: string, opts: { streaming?: boolean } = {}) => {
  const data = expectWellFormed(r, 'error', opts);
  expect(r.outcome).toBe('error');
  const errors = r.frames.filter((f) => f.type === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ error_code: code, message_id: r.messageId, conversation_id: r.conversationId });
  expect(r.frames.at(-2)).toBe(errors[0]);
  expect(data.error_code).toBe(code);
  return data;
};

export const turns = async (messageId: string) =>
  (
    await pool.query<{ role: string; content: string; status: string; conversation_id: string; user_id: string; usage: unknown }>(
      'SELECT role, content, status, conversation_id, user_id, usage FROM messages WHERE generation_id = $1 ORDER BY role DESC',
      [messageId],
    )
  ).rows;

export const conversationOwner = async (id: string) =>
  (await pool.query<{ user_id: string }>('SELECT user_id FROM conversations WHERE id = $1', [id])).rows[0]?.user_id ?? null;

export const promptOf = (t: Transcript | undefined) => (t?.messages ?? []) as { role: string; content: string }[];

