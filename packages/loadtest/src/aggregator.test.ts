import { Aggregator } from './aggregator';
import { Recorders } from './histogram';
import type { ShardUp } from './shard-protocol';

const histograms = (values: number[]) => {
  const r = new Recorders();
  values.forEach((v) => r.get('first_token').record(v));
  return r.encode();
};
const gauges = (open: number) => ({ open, settled: open, armed: 0 });

describe('Aggregator: one report from many client processes', () => {
  it('sums counters and histograms, keeps the latest gauges per process, and knows when all are done', async () => {
    const agg = new Aggregator(2);
    const messages: ShardUp[] = [
      { kind: 'tick', shard: 0, histograms: histograms([100, 200]), counters: { chats: 2, exact: 2 }, gauges: gauges(5) },
      { kind: 'tick', shard: 1, histograms: histograms([300]), counters: { chats: 1, exact: 1 }, gauges: gauges(4) },
      { kind: 'tick', shard: 0, histograms: {}, counters: { chats: 1 }, gauges: gauges(3) },
    ];
    messages.forEach((m) => agg.onMessage(m));
    expect(agg.gaugeSum()).toEqual({ open: 7, settled: 7, armed: 0 });
    const point = agg.sample({ rssBytes: 2 * 2 ** 20, heapUsedBytes: 2 ** 20 });
    expect(point).toMatchObject({ open: 7, gatewayRssMiB: 2, gatewayHeapMiB: 1 });
    expect(point.latencyMs.first_token?.count).toBe(3);
    let finished = false;
    void agg.finished.then(() => (finished = true));
    agg.onMessage({ kind: 'done', shard: 0, histograms: histograms([400]), counters: { exact: 1 }, gauges: gauges(0), cpuSeconds: 1.5 });
    await Promise.resolve();
    expect(finished).toBe(false);
    agg.onMessage({ kind: 'failed', shard: 1, message: 'boom' });
    await agg.finished;
    expect(agg.counters).toEqual({ chats: 4, exact: 4 });
    expect(agg.totals.summaries().first_token?.count).toBe(4);
    expect(agg.failures).toEqual(['client process 1: boom']);
    expect(agg.clientCpu.get(0)).toBe(1.5);
    // The second sample holds only what came after the first.
    expect(agg.sample(null).latencyMs.first_token?.count).toBe(1);
  });
});
