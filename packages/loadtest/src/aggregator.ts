import { addCounters, type Counters } from './counters';
import { Recorders } from './histogram';
import type { Memory } from './process-stats';
import type { Gauges, ShardUp } from './shard-protocol';

/** One second of a run: each measure's percentiles in that second, open connections, gateway memory. */
export type SeriesPoint = {
  t: number;
  open: number;
  latencyMs: Record<string, { count: number; p50: number; p99: number }>;
  gatewayRssMiB: number | null;
  gatewayHeapMiB: number | null;
};

const MiB = 2 ** 20;

/**
 * Merges what every client process reports: histograms and counters summed into the run's totals
 * and into the current second (for the time series), the latest gauges per process, and who is done.
 */
export class Aggregator {
  readonly totals = new Recorders();
  readonly counters: Counters = {};
  readonly series: SeriesPoint[] = [];
  readonly failures: string[] = [];
  /** CPU seconds each forked client process used. */
  readonly clientCpu = new Map<number, number>();
  private readonly interval = new Recorders();
  private readonly gauges = new Map<number, Gauges>();
  private readonly done = new Set<number>();
  private readonly started = Date.now();
  private resolveFinished!: () => void;
  /** Resolves when every client process sent `done` or failed. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(private readonly shards: number) {}

  onMessage(m: ShardUp): void {
    if (m.kind === 'failed') {
      this.failures.push(`client process ${m.shard}: ${m.message}`);
      return this.markDone(m.shard);
    }
    this.totals.addEncoded(m.histograms);
    this.interval.addEncoded(m.histograms);
    addCounters(this.counters, m.counters);
    this.gauges.set(m.shard, m.gauges);
    if (m.kind === 'done') {
      this.clientCpu.set(m.shard, m.cpuSeconds);
      this.markDone(m.shard);
    }
  }

  private markDone(shard: number): void {
    this.done.add(shard);
    if (this.done.size >= this.shards) this.resolveFinished();
  }

  /** The gauges summed over client processes (as of their last tick). */
  gaugeSum(): Gauges {
    const sum: Gauges = { open: 0, settled: 0, armed: 0 };
    for (const g of this.gauges.values()) (Object.keys(sum) as (keyof Gauges)[]).forEach((k) => (sum[k] += g[k]));
    return sum;
  }

  /** Closes the current second: its percentiles, the gauges and `memory` become a series point. */
  sample(memory: Memory | null): SeriesPoint {
    const latencyMs = Object.fromEntries(
      Object.entries(this.interval.summaries())
        .filter(([, s]) => s.count > 0)
        .map(([name, s]) => [name, { count: s.count, p50: s.p50, p99: s.p99 }]),
    );
    this.interval.reset();
    const point: SeriesPoint = {
      t: Math.round((Date.now() - this.started) / 100) / 10,
      open: this.gaugeSum().open,
      latencyMs,
      gatewayRssMiB: memory ? memory.rssBytes / MiB : null,
      gatewayHeapMiB: memory ? memory.heapUsedBytes / MiB : null,
    };
    this.series.push(point);
    return point;
  }
}
