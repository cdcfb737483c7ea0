import { Registry } from '@aurawell/platform';
import { toBusFrame } from '@aurawell/generation';
import { createGatewayMetrics, frameTypeLabel, GenerationTimings } from './metrics';

const frame = (messageId: string, seq: number, type: string, status?: string) =>
  toBusFrame(JSON.stringify({ type, message_id: messageId, seq, ...(status ? { status } : {}) }))!;

type Value = { value: number; labels: Record<string, string | number>; metricName?: string };
const valuesOf = async (registry: Registry, name: string): Promise<Value[]> =>
  ((await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values ?? []) as Value[];

const setup = (opts = { maxTracked: 100, maxAgeMs: 60000 }) => {
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry);
  let now = 0;
  const timings = new GenerationTimings(metrics, opts, () => now);
  const count = async (name: string, labels: Record<string, string> = {}) => {
    const wanted = (await valuesOf(registry, name)).find((v) => v.metricName === name || (v.metricName === undefined && Object.entries(labels).every(([k, l]) => v.labels[k] === l)));
    return wanted?.value ?? 0;
  };
  return { timings, count, advance: (ms: number) => (now += ms), at: () => now, registry };
};

test('times first token, gaps and done from the accept time, counts the terminal status once', async () => {
  const t = setup();
  t.timings.accepted('m1', t.at());
  t.advance(50);
  t.timings.observe(frame('m1', 1, 'status_update', 'sending'));
  t.advance(250);
  t.timings.observe(frame('m1', 2, 'chat_stream'));
  t.advance(20);
  t.timings.observe(frame('m1', 3, 'chat_stream'));
  t.advance(30);
  t.timings.observe(frame('m1', 4, 'status_update', 'done'));
  // a second gateway's copy of the same terminal, or a repeat, is not counted again
  t.timings.observe(frame('m1', 4, 'status_update', 'done'));
  const sum = async (name: string) => (await valuesOf(t.registry, name)).find((v) => v.metricName === `${name}_sum`)!.value;
  expect(await sum('aurawell_chat_time_to_first_token_seconds')).toBeCloseTo(0.3);
  expect(await sum('aurawell_ws_inter_token_gap_seconds')).toBeCloseTo(0.02);
  expect(await sum('aurawell_chat_time_to_done_seconds')).toBeCloseTo(0.35);
  expect(await t.count('aurawell_generations_finished_total', { status: 'done' })).toBe(1);
  expect(t.timings.size).toBe(0);
});

test('ignores generations it did not accept; errors count without a done time', async () => {
  const t = setup();
  t.timings.observe(frame('other', 2, 'chat_stream'));
  t.timings.observe(frame('other', 3, 'status_update', 'done'));
  t.timings.accepted('m2', t.at());
  t.timings.observe(frame('m2', 2, 'status_update', 'error'));
  expect(await t.count('aurawell_generations_finished_total', { status: 'done' })).toBe(0);
  expect(await t.count('aurawell_generations_finished_total', { status: 'error' })).toBe(1);
  const done = await valuesOf(t.registry, 'aurawell_chat_time_to_done_seconds');
  expect(done.find((v) => v.metricName === 'aurawell_chat_time_to_done_seconds_count')!.value).toBe(0);
});

test('keeps at most maxTracked accept times, none older than maxAgeMs', () => {
  const t = setup({ maxTracked: 3, maxAgeMs: 1000 });
  for (const id of ['a', 'b', 'c', 'd', 'e']) t.timings.accepted(id, t.at());
  expect(t.timings.size).toBe(3);
  t.advance(2000);
  t.timings.accepted('f', t.at());
  expect(t.timings.size).toBe(1);
});

test('frame type labels are a fixed set', () => {
  expect(frameTypeLabel('chat_stream')).toBe('chat_stream');
  expect(frameTypeLabel('user_001')).toBe('other');
  expect(frameTypeLabel(undefined)).toBe('other');
});
