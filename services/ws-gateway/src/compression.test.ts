import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import { dataFrames, recordWireFrames, type WireFrame } from '@aurawell/testkit';
import { holdsZlibStreams, perMessageDeflate, releaseZlibWhenIdle } from './compression';

// A real ws server with the gateway's option and release, real ws clients, and the client's raw
// socket read frame by frame (RSV1 is what the client API hides).

const ON = { WS_COMPRESSION: true, WS_COMPRESSION_THRESHOLD_BYTES: 1024 };
const token = JSON.stringify({ type: 'chat_stream', message_id: 'm1', seq: 7, delta: '建议您睡前一小时' });
const done = JSON.stringify({ type: 'status_update', status: 'done', data: { full_response: '规律作息，保证七到八小时睡眠。'.repeat(80) } });

type Server = { wss: WebSocketServer; url: string; accepted: Promise<WebSocket> };
const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];

const startServer = async (option: PerMessageDeflateOptions | false, release = true): Promise<Server> => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: option });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) =>
    wss.once('connection', (ws) => {
      if (release) releaseZlibWhenIdle(ws);
      resolve(ws);
    }),
  );
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, accepted };
};

type Client = { ws: WebSocket; wire: WireFrame[]; messages: string[] };
const connect = async (url: string, offer: boolean): Promise<Client> => {
  const ws = new WebSocket(url, { perMessageDeflate: offer });
  clients.push(ws);
  const client: Client = { ws, wire: [], messages: [] };
  ws.once('upgrade', (res) => ws.once('open', () => (client.wire = recordWireFrames(res.socket))));
  ws.on('message', (data: Buffer) => client.messages.push(data.toString()));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return client;
};

const send = (ws: WebSocket, data: string) => new Promise<void>((resolve, reject) => ws.send(data, (err) => (err ? reject(err) : resolve())));
const received = async (c: Client, n: number) => {
  while (c.messages.length < n) await new Promise((resolve) => c.ws.once('message', resolve));
};

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((wss) => new Promise((resolve) => wss.close(resolve))));
});

test('a client offering permessage-deflate gets it: token frames go out as they are, a large frame compressed', async () => {
  const server = await startServer(perMessageDeflate(ON));
  const client = await connect(server.url, true);
  expect(client.ws.extensions).toContain('permessage-deflate');
  const ws = await server.accepted;
  await send(ws, token);
  await send(ws, done);
  await received(client, 2);

  expect(client.messages).toEqual([token, done]);
  const [tokenFrame, doneFrame] = dataFrames(client.wire);
  expect(tokenFrame).toMatchObject({ compressed: false, wireBytes: Buffer.byteLength(token) + 2 });
  expect(doneFrame!.compressed).toBe(true);
  expect(doneFrame!.wireBytes).toBeLessThan(Buffer.byteLength(done) / 4);
});

test('a client not offering it is served uncompressed', async () => {
  const server = await startServer(perMessageDeflate(ON));
  const client = await connect(server.url, false);
  expect(client.ws.extensions).toBe('');
  await send(await server.accepted, done);
  await received(client, 1);
  expect(client.messages).toEqual([done]);
  expect(dataFrames(client.wire).map((f) => f.compressed)).toEqual([false]);
});

test('compression off in the config: never negotiated, even when offered', async () => {
  const server = await startServer(perMessageDeflate({ ...ON, WS_COMPRESSION: false }));
  const client = await connect(server.url, true);
  expect(client.ws.extensions).toBe('');
  await send(await server.accepted, done);
  await received(client, 1);
  expect(dataFrames(client.wire).map((f) => f.compressed)).toEqual([false]);
});

test('the threshold is the config’s', async () => {
  const server = await startServer(perMessageDeflate({ ...ON, WS_COMPRESSION_THRESHOLD_BYTES: 16 }));
  const client = await connect(server.url, true);
  await send(await server.accepted, token);
  await received(client, 1);
  expect(dataFrames(client.wire).map((f) => f.compressed)).toEqual([true]);
});

// Fails when ws changes what compression.ts relies on: without the release ws keeps the streams
// (so holdsZlibStreams reads the right fields), with it none are left once a send completes.
test('a socket holds no zlib stream once nothing is being compressed (ws keeps them otherwise)', async () => {
  const kept = await startServer(perMessageDeflate(ON), false);
  await connect(kept.url, true);
  const keeping = await kept.accepted;
  await send(keeping, done);
  expect(holdsZlibStreams(keeping)).toBe(true);

  const server = await startServer(perMessageDeflate(ON));
  const client = await connect(server.url, true);
  const ws = await server.accepted;
  await Promise.all([send(ws, done), send(ws, done.replace('done', 'sync'))]);
  expect(holdsZlibStreams(ws)).toBe(false);
  // The streams are made again for the next large frame, and the client reads every frame.
  await send(ws, done);
  expect(holdsZlibStreams(ws)).toBe(false);
  await received(client, 3);
  expect(client.messages).toEqual([done, done.replace('done', 'sync'), done]);
  expect(dataFrames(client.wire).map((f) => f.compressed)).toEqual([true, true, true]);
});

test('compressed client messages are read, and their inflate stream is let go too', async () => {
  const server = await startServer(perMessageDeflate(ON));
  const client = await connect(server.url, true);
  const ws = await server.accepted;
  const got: string[] = [];
  ws.on('message', (data: Buffer) => got.push(data.toString()));
  const question = JSON.stringify({ type: 'health_chat', data: { message: '我最近睡眠不好，怎么办？'.repeat(60) } });
  await send(client.ws, question);
  await send(client.ws, question);
  while (got.length < 2) await new Promise((resolve) => ws.once('message', resolve));
  expect(got).toEqual([question, question]);
  expect(holdsZlibStreams(ws)).toBe(false);
});

test('a socket that did not negotiate it has nothing to release', async () => {
  const server = await startServer(perMessageDeflate(ON), false);
  await connect(server.url, false);
  expect(releaseZlibWhenIdle(await server.accepted)).toBe(false);
});
