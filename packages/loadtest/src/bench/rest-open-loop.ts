import { Agent, request } from 'node:http';
import { now, sleep } from '../clock';
import { LatencyRecorder, type LatencySummary } from '../histogram';

/** One GET to send: path and headers (bearer token, If-None-Match). */
export type BenchRequest = { path: string; headers: Record<string, string> };

export type OpenLoopResult = { latency: LatencySummary; statuses: Record<string, number>; bytes: number; late: number; seconds: number };

type Tally = { rec: LatencyRecorder; statuses: Record<string, number>; bytes: number };

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** One GET: latency from the send to the end of the body; bytes counted as the body plus the status line and headers. */
const get = (base: URL, r: BenchRequest, t: Tally): Promise<void> =>
  new Promise((resolve) => {
    const started = now();
    const req = request({ host: base.hostname, port: base.port, path: r.path, headers: r.headers, agent }, (res) => {
      let bytes = res.rawHeaders.reduce((n, h) => n + h.length + 2, 17);
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        t.rec.record(now() - started);
        t.statuses[res.statusCode ?? 0] = (t.statuses[res.statusCode ?? 0] ?? 0) + 1;
        t.bytes += bytes;
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      t.statuses[err.code ?? 'error'] = (t.statuses[err.code ?? 'error'] ?? 0) + 1;
      resolve();
    });
    req.end();
  });

/**
 * GETs at a fixed rate for `seconds`, the requests taken in turn. Open loop, as the load test's
 * REST load: a GET goes out when due whether or not earlier ones answered, so a slow server cannot
 * slow the load down; sends more than 10 ms late (the client's own lag) are counted.
 */
export const openLoop = async (url: string, requests: BenchRequest[], rate: number, seconds: number): Promise<OpenLoopResult> => {
  const base = new URL(url);
  const t: Tally = { rec: new LatencyRecorder(), statuses: {}, bytes: 0 };
  const interval = 1000 / rate;
  const began = Date.now();
  const inFlight: Promise<void>[] = [];
  let late = 0;
  for (let i = 0; began + i * interval < began + seconds * 1000; i += 1) {
    const due = began + i * interval;
    if (due > Date.now()) await sleep(due - Date.now());
    if (Date.now() - due > 10) late += 1;
    inFlight.push(get(base, requests[i % requests.length] as BenchRequest, t));
  }
  await Promise.all(inFlight);
  return { latency: t.rec.summary(), statuses: t.statuses, bytes: t.bytes, late, seconds: (Date.now() - began) / 1000 };
};
