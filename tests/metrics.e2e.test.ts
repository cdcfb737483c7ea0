import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect, isTerminal } from './support/ws-client';

// One chat and one resume through the real services, then every service's /metrics: each family
// the dashboard and the alerts use is there, the ones a chat implies have samples, and no label
// value carries a user id (or a message id).
let sys: TestSystem;
const userId = `metrics_${randomUUID().slice(0, 8)}`;
let messageId = '';

type Sample = { name: string; labels: Record<string, string>; value: number };
type Scrape = { families: Set<string>; samples: Sample[] };

const scrape = async (opsPort: number): Promise<Scrape> => {
  const res = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const families = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) families.add(type[1]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { families, samples };
};

/** The value of one sample (labels matched as given; others ignored), or undefined when absent. */
const value = (s: Scrape, name: string, labels: Record<string, string> = {}): number | undefined =>
  s.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

const expectFamilies = (s: Scrape, names: string[]) => {
  const missing = names.filter((n) => !s.families.has(n));
  expect(missing).toEqual([]);
};

const DEFAULT_FAMILIES = ['process_start_time_seconds', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes'];

let gateway: Scrape;
let worker: Scrape;
let api: Scrape;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 1, workers: 1 });
  const client = await connect(await sys.wsUrl(userId));
  const result = await chat(client, `我最近睡眠不好 ${randomUUID()}`);
  messageId = result.messageId;
  expect(checkGeneration(result.frames).status).toBe('done');
  // A second device resumes the finished answer from the start: every frame is replayed.
  const tab = await connect(await sys.wsUrl(userId));
  tab.send({ type: 'resume', data: { message_id: messageId, last_seq: 0 } });
  await tab.next((f) => isTerminal(f, messageId));
  client.close();
  tab.close();
  [gateway, worker, api] = await Promise.all([
    scrape(sys.stack.gateways[0]!.opsPort),
    scrape(sys.stack.workers[0]!.opsPort),
    scrape(sys.stack.api.opsPort),
  ]);
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

test('the gateway reports frames, generations, chat latencies, resumes and Redis', () => {
  expectFamilies(gateway, [
    ...DEFAULT_FAMILIES,
    'aurawell_ws_connections', 'aurawell_ws_connects_total', 'aurawell_ws_disconnects_total',
    'aurawell_ws_frames_in_total', 'aurawell_ws_frames_out_total', 'aurawell_ws_bus_frames_total', 'aurawell_ws_rejected_frames_total',
    'aurawell_generations_started_total', 'aurawell_generations_finished_total',
    'aurawell_chat_time_to_sending_seconds', 'aurawell_chat_time_to_first_token_seconds', 'aurawell_chat_time_to_done_seconds',
    'aurawell_ws_inter_token_gap_seconds', 'aurawell_ws_resume_requests_total', 'aurawell_ws_replayed_frames_total',
    'aurawell_ws_slow_client_merges_total', 'aurawell_ws_slow_client_closes_total', 'aurawell_ws_rate_limit_fail_open_total',
    'aurawell_ws_drain_remaining', 'aurawell_redis_command_seconds', 'aurawell_redis_up',
  ]);
  expect(value(gateway, 'aurawell_ws_frames_in_total', { type: 'health_chat' })).toBeGreaterThanOrEqual(1);
  expect(value(gateway, 'aurawell_ws_frames_out_total', { type: 'chat_stream' })).toBeGreaterThanOrEqual(2);
  expect(value(gateway, 'aurawell_ws_frames_out_total', { type: 'connection_established' })).toBe(2);
  expect(value(gateway, 'aurawell_generations_started_total')).toBe(1);
  expect(value(gateway, 'aurawell_generations_finished_total', { status: 'done' })).toBe(1);
  expect(value(gateway, 'aurawell_chat_time_to_sending_seconds_count')).toBe(1);
  expect(value(gateway, 'aurawell_chat_time_to_first_token_seconds_count')).toBe(1);
  expect(value(gateway, 'aurawell_chat_time_to_done_seconds_count')).toBe(1);
  expect(value(gateway, 'aurawell_chat_time_to_done_seconds_sum')).toBeGreaterThan(value(gateway, 'aurawell_chat_time_to_first_token_seconds_sum')!);
  expect(value(gateway, 'aurawell_ws_inter_token_gap_seconds_count')).toBeGreaterThanOrEqual(1);
  expect(value(gateway, 'aurawell_ws_resume_requests_total')).toBe(1);
  expect(value(gateway, 'aurawell_ws_replayed_frames_total')).toBeGreaterThanOrEqual(4);
  expect(value(gateway, 'aurawell_redis_command_seconds_count', { command: 'gen_start' })).toBe(1);
  expect(value(gateway, 'aurawell_redis_command_seconds_count', { command: 'gen_frames_after' })).toBe(1);
  expect(value(gateway, 'aurawell_redis_up', { client: 'command' })).toBe(1);
  expect(value(gateway, 'aurawell_redis_up', { client: 'subscriber' })).toBe(1);
});

test('the worker reports generations, the LLM, the queue and Redis', () => {
  expectFamilies(worker, [
    ...DEFAULT_FAMILIES,
    'aurawell_worker_generations_total', 'aurawell_llm_errors_total', 'aurawell_llm_http_errors_total', 'aurawell_llm_retries_total',
    'aurawell_llm_first_token_seconds', 'aurawell_llm_request_duration_seconds', 'aurawell_llm_tokens_total',
    'aurawell_queue_job_wait_seconds', 'aurawell_queue_jobs', 'aurawell_redis_command_seconds', 'aurawell_redis_up',
  ]);
  expect(value(worker, 'aurawell_worker_generations_total', { status: 'done' })).toBe(1);
  expect(value(worker, 'aurawell_llm_first_token_seconds_count')).toBe(1);
  expect(value(worker, 'aurawell_llm_tokens_total', { direction: 'out' })).toBeGreaterThan(0);
  expect(value(worker, 'aurawell_queue_job_wait_seconds_count')).toBe(1);
  for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(value(worker, 'aurawell_queue_jobs', { state })).toBe(0);
  // claim, streaming, every delta and done each went through one timed append.
  expect(value(worker, 'aurawell_redis_command_seconds_count', { command: 'gen_claim' })).toBe(1);
  expect(value(worker, 'aurawell_redis_command_seconds_count', { command: 'gen_append' })).toBeGreaterThanOrEqual(3);
  expect(value(worker, 'aurawell_redis_up', { client: 'command' })).toBe(1);
});

test('the api reports its HTTP requests and Redis', () => {
  expectFamilies(api, [...DEFAULT_FAMILIES, 'aurawell_http_requests_total', 'aurawell_http_request_duration_seconds', 'aurawell_redis_up']);
  expect(api.samples.some((s) => s.name === 'aurawell_http_requests_total' && s.value > 0)).toBe(true);
  for (const client of ['command', 'subscriber', 'queue']) expect(value(api, 'aurawell_redis_up', { client })).toBe(1);
});

test('no label value carries a user id or a message id', () => {
  const all = [gateway, worker, api].flatMap((s) => s.samples);
  expect(all.length).toBeGreaterThan(100);
  const leaking = all.filter((s) => Object.values(s.labels).some((v) => v.includes(userId) || v.includes(messageId) || v.includes('user_00')));
  expect(leaking).toEqual([]);
});

/** Addresses listening on TCP `port`, from the kernel's tables (IPv4 and IPv6). */
const listenersOn = (port: number): string[] => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const ipv4 = (hex: string) => [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`))
      .map((cols) => (file.endsWith('6') ? `[${cols[1]!.split(':')[0]}]` : ipv4(cols[1]!.split(':')[0]!))),
  );
};

test('the development stack listens on loopback only: edge, api, gateway and every ops port', () => {
  const { stack } = sys;
  const ports = [stack.edgeUrl, stack.apiUrl, ...stack.gatewayUrls].map((url) => Number(new URL(url).port));
  ports.push(...[stack.api, ...stack.gateways, ...stack.workers].map((p) => p.opsPort));
  expect(ports.map((port) => [port, listenersOn(port)])).toEqual(ports.map((port) => [port, ['127.0.0.1']]));
});
