import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { dataFrames, recordWireFrames, type WireFrame } from '@aurawell/testkit';
import { perConnectionKiB, settledMemory, type Memory } from '../process-stats';
import { startLocalTopology, type LocalTarget } from '../topology';

// `node --import tsx src/bench/deflate-bench.ts` (from packages/loadtest): the real system (1 gateway,
// 1 worker, the simulator's Chinese answers), once with WS_COMPRESSION=false and once with true,
// clients straight to the gateway offering permessage-deflate as browsers and `ws` do. Prints the
// bytes on the wire per answer by frame kind (token frames, statuses, `done`, a `sync`, a resume
// replaying the whole answer) and the gateway's memory per connection: idle, then after every
// connection received one large frame (`done` of an answer).

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'false,true' },
    /** Connections whose answers' wire bytes are counted. */
    answers: { type: 'string', default: '20' },
    /** Idle connections for the memory figures (each then gets one answer). */
    connections: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    'answer-tokens': { type: 'string', default: '300' },
    threshold: { type: 'string', default: '1024' },
  },
});

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const QUESTION = '我最近睡眠不好，晚上总是醒来，白天也没精神，怎么办？';

type Frame = Record<string, unknown> & { type: string };
type Client = { ws: WebSocket; wire: WireFrame[]; frames: Frame[]; waiters: (() => void)[]; closed: boolean };

const connect = async (target: LocalTarget, userId: string): Promise<Client> => {
  const ws = new WebSocket(`${target.gatewayWsBases![0]}/ws/chat/${userId}?token=${await target.tokens.issue(userId)}`, { perMessageDeflate: true });
  const client: Client = { ws, wire: [], frames: [], waiters: [], closed: false };
  const wake = () => client.waiters.splice(0).forEach((w) => w());
  ws.once('upgrade', (res) => ws.once('open', () => (client.wire = recordWireFrames(res.socket))));
  ws.on('message', (data: Buffer) => {
    client.frames.push(JSON.parse(data.toString()) as Frame);
    wake();
  });
  ws.on('close', () => {
    client.closed = true;
    wake();
  });
  await next(client, (f) => f.type === 'connection_established');
  return client;
};

/** The first frame from index `from` on that matches. */
const next = async (c: Client, pred: (f: Frame) => boolean, from = 0): Promise<Frame> => {
  for (;;) {
    const found = c.frames.slice(from).find(pred);
    if (found) return found;
    if (c.closed) throw new Error(`closed while waiting; last frame ${JSON.stringify(c.frames.at(-1))}`);
    await new Promise<void>((resolve) => c.waiters.push(resolve));
  }
};

const isStatus = (status: string) => (f: Frame) => f.type === 'status_update' && f.status === status;
const kindOf = (f: Frame) => (f.type === 'status_update' ? (f.status === 'done' ? 'done' : 'status') : f.type);

/** Wire bytes (and JSON bytes) per frame kind of the frames from index `from` on. */
const tally = (c: Client, from: number, into: Map<string, { wire: number; json: number; frames: number; compressed: number }>, prefix = '') => {
  const wire = dataFrames(c.wire);
  for (let i = from; i < c.frames.length; i++) {
    const key = prefix + kindOf(c.frames[i]!);
    const t = into.get(key) ?? { wire: 0, json: 0, frames: 0, compressed: 0 };
    t.wire += wire[i]!.wireBytes;
    t.json += Buffer.byteLength(JSON.stringify(c.frames[i]));
    t.frames += 1;
    t.compressed += wire[i]!.compressed ? 1 : 0;
    into.set(key, t);
  }
};

/** One answer, then a sync, then a resume from seq 0 (the whole answer replayed), each tallied. */
const answerAndReplay = async (c: Client, into: Map<string, { wire: number; json: number; frames: number; compressed: number }>) => {
  let from = c.frames.length;
  c.ws.send(JSON.stringify({ type: 'health_chat', data: { message: QUESTION } }));
  const messageId = String((await next(c, isStatus("done"), from)).message_id);

  tally(c, from, into);
  from = c.frames.length;
  c.ws.send(JSON.stringify({ type: 'sync' }));
  await next(c, (f) => f.type === 'sync', from);
  tally(c, from, into, 'sync: ');
  from = c.frames.length;
  c.ws.send(JSON.stringify({ type: 'resume', data: { message_id: messageId, last_seq: 0 } }));
  await next(c, isStatus('done'), from);
  tally(c, from, into, 'replay: ');
};

const wireRun = async (target: LocalTarget, n: number) => {
  const into = new Map<string, { wire: number; json: number; frames: number; compressed: number }>();
  const clients = await Promise.all(Array.from({ length: n }, (_, i) => connect(target, `deflate_wire_${i}`)));
  await Promise.all(clients.map((c) => answerAndReplay(c, into)));
  log(`  bytes per answer (mean of ${n}; negotiated: ${clients[0]!.ws.extensions || 'nothing'}):`);
  log(`  ${'frames'.padEnd(20)} ${'count'.padStart(7)} ${'json B'.padStart(9)} ${'wire B'.padStart(9)}  compressed`);
  let total = 0;
  for (const [kind, t] of [...into].sort()) {
    total += t.wire / n;
    log(`  ${kind.padEnd(20)} ${(t.frames / n).toFixed(1).padStart(7)} ${(t.json / n).toFixed(0).padStart(9)} ${(t.wire / n).toFixed(0).padStart(9)}  ${t.compressed}/${t.frames}`);
  }
  log(`  total wire bytes per answer + sync + replay: ${total.toFixed(0)}`);
  for (const c of clients) c.ws.close();
};

const kib = (before: Memory | null, after: Memory | null, n: number) => {
  const per = before && after ? perConnectionKiB(before, after, n) : null;
  return per ? `RSS ${per.rss.toFixed(1)} KiB, heap ${per.heap.toFixed(1)} KiB` : 'n/a';
};

/** Idle connections, memory; then one answer on each (its `done` is the large frame), memory again. */
const memoryRun = async (target: LocalTarget, n: number, warmup: number) => {
  const metrics = target.gateways.map((g) => `http://127.0.0.1:${g.opsPort}/metrics`);
  const open = async (from: number, count: number) => {
    const out: Client[] = [];
    for (let i = from; i < from + count; i += 100) out.push(...(await Promise.all(Array.from({ length: Math.min(100, from + count - i) }, (_, j) => connect(target, `deflate_mem_${i + j}`)))));
    return out;
  };
  const warm = await open(0, warmup);
  const baseline = await settledMemory(metrics);
  const clients = await open(warmup, n);
  const idle = await settledMemory(metrics);
  log(`  memory per connection, ${n} idle after ${warmup} warm-up: ${kib(baseline, idle, n)} (load ${load()})`);
  for (let i = 0; i < clients.length; i += 200) {
    await Promise.all(clients.slice(i, i + 200).map(async (c) => {
      const from = c.frames.length;
      c.ws.send(JSON.stringify({ type: 'health_chat', data: { message: QUESTION } }));
      await next(c, isStatus('done'), from);
    }));
  }
  const afterLarge = await settledMemory(metrics);
  log(`  after one answer each (done ≈ ${Buffer.byteLength(JSON.stringify(clients[0]!.frames.at(-1)))} B JSON): ${kib(baseline, afterLarge, n)} (load ${load()})`);
  for (const c of [...warm, ...clients]) c.ws.close();
};

const main = async () => {
  for (const mode of values.modes.split(',')) {
    log(`WS_COMPRESSION=${mode}, threshold ${values.threshold} B (load ${load()})`);
    const target = await startLocalTopology({
      gateways: 1,
      workers: 1,
      tokensPerSecond: 3000,
      firstTokenDelayMs: 10,
      answerTokens: Number(values['answer-tokens']),
      edge: 'none',
      gatewayEnv: { WS_COMPRESSION: mode, WS_COMPRESSION_THRESHOLD_BYTES: values.threshold, MAX_CONNECTIONS_PER_USER: '10' },
    });
    try {
      await wireRun(target, Number(values.answers));
      await memoryRun(target, Number(values.connections), Number(values.warmup));
    } finally {
      await target.stop();
    }
  }
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
