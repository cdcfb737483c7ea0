/** Durations of the last requests per endpoint, for route 50's `slow_endpoints`. */
export class RequestTimings {
  private readonly byEndpoint = new Map<string, number[]>();

  constructor(private readonly window = 100) {}

  record(method: string, route: string, seconds: number): void {
    if (route === 'unmatched') return;
    const key = `${method} ${route}`;
    const list = this.byEndpoint.get(key) ?? [];
    list.push(seconds);
    if (list.length > this.window) list.shift();
    this.byEndpoint.set(key, list);
  }

  /** Endpoints whose mean over their last requests is above `thresholdSeconds`, with that mean. */
  slowEndpoints(thresholdSeconds: number): Record<string, number> {
    const slow: Record<string, number> = {};
    for (const [key, list] of this.byEndpoint) {
      const mean = list.reduce((a, b) => a + b, 0) / list.length;
      if (mean > thresholdSeconds) slow[key] = Math.round(mean * 1e4) / 1e4;
    }
    return slow;
  }
}
