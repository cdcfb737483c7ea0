import * as hdr from 'hdr-histogram-js';

export type LatencySummary = { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };

/** Histograms of one process, encoded for another (compressed base64 HdrHistogram V2 blobs, by measure name). */
export type EncodedRecorders = Record<string, string>;

const build = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

/** An HDR histogram of milliseconds (recorded in microseconds, 3 significant digits). */
export class LatencyRecorder {
  private readonly h = build();

  record(ms: number): void {
    if (Number.isFinite(ms)) this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
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

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  /** Adds another process's histogram (from `encode`) to this one. */
  addEncoded(encoded: string): void {
    this.h.add(hdr.decodeFromCompressedBase64(encoded));
  }

  add(other: LatencyRecorder): void {
    this.h.add(other.h);
  }

  reset(): void {
    this.h.reset();
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

  names(): string[] {
    return [...this.byName.keys()];
  }

  summaries(): Record<string, LatencySummary> {
    return Object.fromEntries([...this.byName].map(([name, r]) => [name, r.summary()]));
  }

  /** Every non-empty histogram, encoded (to send to the process that merges). */
  encode(): EncodedRecorders {
    return Object.fromEntries([...this.byName].filter(([, r]) => r.count > 0).map(([name, r]) => [name, r.encode()]));
  }

  /** Merges histograms encoded by another process (or an earlier interval) into these. */
  addEncoded(encoded: EncodedRecorders): void {
    for (const [name, blob] of Object.entries(encoded)) this.get(name).addEncoded(blob);
  }

  add(other: Recorders): void {
    for (const [name, r] of other.byName) this.get(name).add(r);
  }

  /** Empties every histogram (an interval recorder, after it was sent). */
  reset(): void {
    for (const r of this.byName.values()) r.reset();
  }
}
