import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { PrivateRedis } from './support/private-redis';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect, isTerminal } from './support/ws-client';

// Redis goes away for a moment in the middle of an answer (on a Redis of the test's own).
let redis: PrivateRedis;
let sys: TestSystem;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sys = await startTestSystem({ redisUrl: redis.url });
}, 120000);

afterAll(async () => {
  await sys?.stop();
  await redis?.destroy();
}, 60000);

test('a Redis restart mid-answer: services reconnect, the answer completes exactly, new chats work again', async () => {
  const client = await connect(await sys.wsUrl('redis_restart_user'));
  const message = `Redis 重启 [[sim:tps=20]] ${randomUUID()}`;
  client.send({ type: 'health_chat', data: { message } });
  const sending = await client.next((f) => f.status === 'sending');
  const messageId = String(sending.message_id);
  await client.next((f) => f.type === 'chat_stream' && Number(f.seq) >= 6);
  await redis.restart(1500);

  const terminal = await client.next((f) => isTerminal(f, messageId), 60000);
  expect(terminal.status).toBe('done');
  const { text } = checkGeneration(client.generation(messageId));
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content);

  // The same connection, and a new one, chat normally again.
  const again = await chat(client, `恢复后的问题 ${randomUUID()}`);
  expect(checkGeneration(again.frames).status).toBe('done');
  const fresh = await connect(await sys.wsUrl('redis_restart_user'));
  expect(checkGeneration((await chat(fresh, `新连接 ${randomUUID()}`)).frames).status).toBe('done');
  client.close();
  fresh.close();
}, 90000);
