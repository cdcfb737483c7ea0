import * as hdr from 'hdr-histogram-js';

export type LatencySummary = { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };

/** An HDR histogram of milliseconds (recorded in microseconds, 3 significant digits). */
export class LatencyRecorder {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  record(ms: number): void {
    if (Number.isFinite(ms)) this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const at = (p: number) => this.h.getValueAtPercentile(p) / 1000;
    return {
      count: this.h.totalCount,
      mean: this.h.mean / 1000,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: this.h.maxValue / 1000,
    };
  }
}

/** The measures every scenario reports, by name. */
export class Recorders {
  private readonly byName = new Map<string, LatencyRecorder>();

  get(name: string): LatencyRecorder {
    let r = this.byName.get(name);
    if (!r) this.byName.set(name, (r = new LatencyRecorder()));
    return r;
  }

  summaries(): Record<string, LatencySummary> {
    return Object.fromEntries([...this.byName].map(([name, r]) => [name, r.summary()]));
  }
}
