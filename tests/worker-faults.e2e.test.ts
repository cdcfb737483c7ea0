import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, isTerminal } from './support/ws-client';

// Workers die and are replaced; every generation still ends once, with a coherent answer.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    serviceEnv: {
      'advice-worker': { WORKER_LOCK_DURATION_MS: '1500', WORKER_STALLED_INTERVAL_MS: '500', WORKER_DRAIN_MS: '300' },
    },
  });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const transcriptsOf = (message: string) => sys.sim.transcripts().filter((t) => t.lastUserMessage === message);

const startSlowChat = async (userId: string) => {
  const client = await connect(await sys.wsUrl(userId));
  // Slow enough (about 20 s) that spawning a spare worker on a busy machine cannot outlast the answer.
  const message = `慢慢回答 [[sim:tps=10]] ${randomUUID()}`;
  client.send({ type: 'health_chat', data: { message } });
  const sending = await client.next((f) => f.status === 'sending');
  const messageId = String(sending.message_id);
  await client.next((f) => f.type === 'chat_stream' && f.message_id === messageId && Number(f.seq) >= 6);
  return { client, message, messageId };
};

const expectRestartedAnswer = async (c: Awaited<ReturnType<typeof startSlowChat>>) => {
  const terminal = await c.client.next((f) => isTerminal(f, c.messageId), 60000);
  expect(terminal.status).toBe('done');
  const frames = c.client.generation(c.messageId);
  const restart = frames.find((f) => (f.data as { restart?: boolean } | null)?.restart === true);
  expect(restart).toMatchObject({ type: 'status_update', status: 'streaming', data: { reason: 'worker_restarted' } });
  const { text } = checkGeneration(frames);
  const attempts = transcriptsOf(c.message);
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  expect(text).toBe(attempts[attempts.length - 1]!.content);
  c.client.close();
};

test('kill -9 of the worker mid-answer: another worker takes over, announces the restart, and the answer completes', async () => {
  const victim = sys.stack.workers[0]!;
  const c = await startSlowChat('worker_kill_user');
  await sys.stack.spawn('advice-worker');
  victim.signal('SIGKILL');
  await expectRestartedAnswer(c);
}, 90000);

test('SIGTERM of the worker mid-answer: it hands the generation over within its drain time and exits cleanly', async () => {
  const victim = sys.stack.workers.find((w) => w.running) ?? (await sys.stack.spawn('advice-worker'));
  const c = await startSlowChat('worker_drain_user');
  // Whichever worker runs it, a spare must be there to take over.
  await sys.stack.spawn('advice-worker');
  const running = [...sys.stack.workers].filter((w) => w.running);
  for (const w of running.slice(0, -1)) w.signal('SIGTERM');
  expect(await victim.exited).toBe(0);
  await expectRestartedAnswer(c);
}, 90000);
