import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { perMessageDeflate, releaseZlibWhenIdle } from '../../../../services/ws-gateway/src/compression';

// `node --import tsx src/bench/deflate-memory.ts` (from packages/loadtest): what permessage-deflate
// costs a `ws` server per socket, the gateway's settings against ws's own behaviour. For each
// variant a server process (memory after a full GC) holds N sockets from this process, then sends
// each one large frame (a `done` of a Chinese answer) and is measured again. Variants: off; the
// gateway's (streams released when nothing is compressed); the same settings without the release
// (what ws does by itself: the deflate stream is reset, kept until the socket closes).

const { values } = parseArgs({ allowPositionals: true, options: { connections: { type: 'string', default: '2000' }, bytes: { type: 'string', default: '6000' } } });
const log = (line: string) => process.stdout.write(`${line}\n`);
type Variant = 'off' | 'gateway' | 'no-release';
type Memory = { rss: number; heap: number; external: number };

const server = () => {
  const variant = process.argv[3] as Variant;
  const option = perMessageDeflate({ WS_COMPRESSION: variant !== 'off', WS_COMPRESSION_THRESHOLD_BYTES: 1024 });
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: option });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    if (variant === 'gateway') releaseZlibWhenIdle(ws);
    sockets.push(ws);
  });
  const memory = (): Memory => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
  };
  process.on('message', (msg: { cmd: string; frame?: string }) => {
    if (msg.cmd === 'memory') process.send!(memory());
    if (msg.cmd === 'send') {
      let left = sockets.length;
      for (const ws of sockets) ws.send(msg.frame!, () => --left === 0 && process.send!(memory()));
    }
  });
  wss.on('listening', () => process.send!({ port: (wss.address() as AddressInfo).port }));
};

const ask = <T>(child: ChildProcess, msg: object): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });

const openClients = async (port: number, n: number): Promise<WebSocket[]> => {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, () => new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: true }));
    await Promise.all(batch.map((ws) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))));
    out.push(...batch);
  }
  return out;
};

const per = (a: Memory, b: Memory, n: number) =>
  `RSS ${((b.rss - a.rss) / 1024 / n).toFixed(1)}, heap ${((b.heap - a.heap) / 1024 / n).toFixed(1)}, external ${((b.external - a.external) / 1024 / n).toFixed(1)} KiB`;

const run = async (variant: Variant, n: number, frame: string) => {
  const child = fork(__filename, ['server', variant], { execArgv: ['--expose-gc', '--import', 'tsx'] });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const empty = await ask<Memory>(child, { cmd: 'memory' });
  const clients = await openClients(port, n);
  const idle = await ask<Memory>(child, { cmd: 'memory' });
  let got = 0;
  const received = new Promise<void>((resolve) => clients.forEach((ws) => ws.once('message', () => ++got === n && resolve())));
  await ask<Memory>(child, { cmd: 'send', frame });
  await received;
  const after = await ask<Memory>(child, { cmd: 'memory' });
  got = 0;
  const again = new Promise<void>((resolve) => clients.forEach((ws) => ws.once('message', () => ++got === n && resolve())));
  await ask<Memory>(child, { cmd: 'send', frame });
  await again;
  const second = await ask<Memory>(child, { cmd: 'memory' });
  log(`${variant.padEnd(10)} idle: ${per(empty, idle, n)}`);
  log(`${''.padEnd(10)} after one ${Buffer.byteLength(frame)} B frame each: ${per(empty, after, n)}; after a second: ${per(empty, second, n)}`);
  for (const ws of clients) ws.terminate();
  child.kill();
};

const main = async () => {
  const n = Number(values.connections);
  const text = '规律作息，睡前一小时远离手机屏幕，保持卧室安静、黑暗和凉爽；白天适量运动，避免午后摄入咖啡因。';
  const body = text.repeat(Math.ceil(Number(values.bytes) / Buffer.byteLength(text)));
  const frame = JSON.stringify({ type: 'status_update', status: 'done', data: { full_response: body } });
  for (const variant of ['off', 'gateway', 'no-release'] as const) await run(variant, n, frame);
};

if (process.argv[2] === 'server') server();
else void main().then(() => process.exit(0));
