import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { PrivateRedis } from './support/private-redis';
import { endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';

// Redis goes away for a moment in the middle of an answer (on a Redis of the test's own). The user
// runs the client SDK; the gateway keeps the socket and repairs what pub/sub lost, so the wire
// itself carries every frame once, in order, with no reconnect.
let redis: PrivateRedis;
let sys: TestSystem;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sys = await startTestSystem({ redisUrl: redis.url });
}, 120000);

afterAll(async () => {
  SdkUser.closeAll();
  await sys?.stop();
  await redis?.destroy();
}, 60000);

const user = async () => {
  const u = new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: 'redis_restart_user', auth: { token: await sys.tokens.issue('redis_restart_user') } });
  await u.opened();
  return u;
};

/** Asks, waits for the end, and checks the answer as the application and as the wire saw it. */
const ask = async (u: SdkUser, message: string, beforeEnd: () => Promise<void> = async () => {}) => {
  const gen = u.client.healthChat(message);
  await beforeEnd();
  const result = await endedWithin(gen);
  expect(result.state).toBe('done');
  const { status, text } = checkGeneration(u.generation(gen.messageId!));
  expect(status).toBe('done');
  expect(result.text).toBe(text);
  return text;
};

test('a Redis restart mid-answer: services reconnect, the answer completes exactly, new chats work again', async () => {
  const client = await user();
  const message = `Redis 重启 [[sim:tps=20]] ${randomUUID()}`;
  const text = await ask(client, message, async () => {
    await client.next((f) => f.type === 'chat_stream' && Number(f.seq) >= 6);
    await redis.restart(1500);
  });
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content);

  // The same connection, and a new one, chat normally again.
  await ask(client, `恢复后的问题 ${randomUUID()}`);
  expect(client.states).toEqual(['connecting', 'open']);
  const fresh = await user();
  await ask(fresh, `新连接 ${randomUUID()}`);
  client.close();
  fresh.close();
}, 90000);
