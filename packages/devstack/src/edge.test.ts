import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import { pino } from 'pino';
import { startEdge, type Edge } from './edge';
import { freePort } from './ports';

type Line = { level: number; msg: string; err?: string };

/** A debug-level logger whose lines the test reads; `next` resolves with the next one. */
const recordingLogger = () => {
  const waiting: ((line: Line) => void)[] = [];
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = JSON.parse(chunk.toString()) as Line;
      lines.push(line);
      waiting.shift()?.(line);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, next: () => new Promise<Line>((resolve) => waiting.push(resolve)) };
};

let upstream: Server;
let upstreamUrl: string;
const edges: Edge[] = [];
// Upgraded sockets leave the server's books: closed by hand, or close() waits for them.
const held: Duplex[] = [];

beforeAll(async () => {
  // A gateway stand-in that accepts every upgrade and then only holds the connection.
  upstream = createServer((_req, res) => res.end('{}'));
  upstream.on('upgrade', (_req, socket: Duplex) => {
    held.push(socket);
    socket.on('error', () => {});
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});

afterAll(async () => {
  await Promise.all(edges.map((e) => e.close()));
  for (const socket of held) socket.destroy();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const edgeWith = async (apiUrl: string) => {
  const log = recordingLogger();
  const edge = await startEdge({ port: 0, apiUrl, gatewayUrls: [upstreamUrl], logger: log.logger });
  edges.push(edge);
  return { edge, next: log.next };
};

test('a WebSocket client that drops without a close handshake (connection reset) is logged at debug only', async () => {
  const { edge, next } = await edgeWith(upstreamUrl);
  const client = connect(edge.port, '127.0.0.1');
  client.write('GET /ws/chat/u HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  await new Promise((resolve) => client.once('data', resolve));
  const logged = next();
  client.resetAndDestroy();
  expect(await logged).toMatchObject({ level: 20, msg: 'edge proxy error', err: expect.objectContaining({ message: 'read ECONNRESET', code: 'ECONNRESET', stack: expect.any(String) }) });
});

test('other proxy errors stay warnings (an api that refuses: 502)', async () => {
  const { edge, next } = await edgeWith(`http://127.0.0.1:${await freePort()}`);
  const logged = next();
  const res = await fetch(`http://127.0.0.1:${edge.port}/api/v1/health`);
  expect(res.status).toBe(502);
  expect(await logged).toMatchObject({ level: 40, msg: 'edge proxy error', err: expect.objectContaining({ code: 'ECONNREFUSED', stack: expect.any(String) }) });
});

test('before the stack routes it, the edge answers 503 itself (nothing proxied, nothing logged), then proxies', async () => {
  const log = recordingLogger();
  const edge = await startEdge({ port: 0, apiUrl: '', gatewayUrls: [], logger: log.logger });
  edges.push(edge);
  const early = await fetch(`http://127.0.0.1:${edge.port}/api/v1/health`);
  expect(early.status).toBe(503);
  expect(early.headers.get('retry-after')).toBe('1');
  expect(await early.json()).toEqual({ detail: 'Starting' });
  const socket = connect(edge.port, '127.0.0.1');
  socket.write('GET /ws/chat/u HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  const reply = await new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
  expect(reply).toMatch(/^HTTP\/1\.1 503 /);
  socket.destroy();
  edge.route(upstreamUrl, [upstreamUrl]);
  expect((await fetch(`http://127.0.0.1:${edge.port}/api/v1/health`)).status).not.toBe(503);
  expect(log.lines).toEqual([]);
});
