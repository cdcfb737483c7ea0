import { WebSocket } from 'ws';
import { dataFrames, recordWireFrames, type WireFrame } from '@aurawell/testkit';
import { startTestSystem, type TestSystem } from './support/system';

// permessage-deflate through the real gateway (its default config): token frames cross the wire
// as they are, the `done` frame with the whole answer and a `sync` compressed; a client that does
// not offer the extension gets every frame plain. The client's raw socket shows RSV1.

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 1, sim: { answerTokens: 300 } });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

type Frame = Record<string, unknown> & { type: string };
type Client = { ws: WebSocket; wire: WireFrame[]; frames: Frame[] };

const open = async (userId: string, offer: boolean): Promise<Client> => {
  const url = `${sys.stack.gatewayUrls[0]!.replace(/^http/, 'ws')}/ws/chat/${userId}?token=${await sys.tokens.issue(userId)}`;
  const ws = new WebSocket(url, { perMessageDeflate: offer });
  const client: Client = { ws, wire: [], frames: [] };
  ws.once('upgrade', (res) => ws.once('open', () => (client.wire = recordWireFrames(res.socket))));
  ws.on('message', (data: Buffer) => client.frames.push(JSON.parse(data.toString()) as Frame));
  await until(client, (f) => f.type === 'connection_established');
  return client;
};

const until = async (c: Client, pred: (f: Frame) => boolean): Promise<Frame> => {
  for (;;) {
    const found = c.frames.find(pred);
    if (found) return found;
    await new Promise((resolve, reject) => c.ws.once('message', resolve).once('close', reject));
  }
};

/** An answer, then a sync; each frame's type with whether it came compressed. */
const answerAndSync = async (c: Client) => {
  c.ws.send(JSON.stringify({ type: 'health_chat', data: { message: '我最近睡眠不好，怎么办？' } }));
  await until(c, (f) => f.type === 'status_update' && f.status === 'done');
  c.ws.send(JSON.stringify({ type: 'sync' }));
  await until(c, (f) => f.type === 'sync');
  const wire = dataFrames(c.wire);
  return c.frames.map((f, i) => ({ kind: f.type === 'status_update' ? String(f.status) : f.type, compressed: wire[i]!.compressed }));
};

test('a client offering permessage-deflate gets token frames plain and the done and sync frames compressed', async () => {
  const c = await open('deflate_user_a', true);
  expect(c.ws.extensions).toContain('permessage-deflate');
  const frames = await answerAndSync(c);
  const compressed = (kind: string) => [...new Set(frames.filter((f) => f.kind === kind).map((f) => f.compressed))];
  expect(compressed('chat_stream')).toEqual([false]);
  expect(compressed('done')).toEqual([true]);
  expect(compressed('sync')).toEqual([true]);
  const done = c.frames.find((f) => f.type === 'status_update' && f.status === 'done')!;
  const text = c.frames.filter((f) => f.type === 'chat_stream').map((f) => f.delta).join('');
  expect((done.data as { full_response: string }).full_response).toBe(text);
  c.ws.close();
});

test('a client that does not offer it gets every frame plain', async () => {
  const c = await open('deflate_user_b', false);
  expect(c.ws.extensions).toBe('');
  const frames = await answerAndSync(c);
  expect(frames.filter((f) => f.compressed)).toEqual([]);
  expect(frames.map((f) => f.kind)).toEqual(expect.arrayContaining(['chat_stream', 'done', 'sync']));
  c.ws.close();
});
