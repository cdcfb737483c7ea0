/**
 * What the simulator recorded of its requests (chat transcripts, audio requests), for tests to
 * inspect: the last `limit` entries, oldest first. Entries of running responses keep being
 * updated in place; `list()` hands out copies, so a snapshot never changes under its reader.
 */
export class BoundedStore<T extends object> {
  private entries: T[] = [];

  /** `copy`: how a snapshot copies one entry (shallow by default; deeper for entries holding arrays that keep growing). */
  constructor(
    private readonly limit: number,
    private readonly copy: (entry: T) => T = (entry) => ({ ...entry }),
  ) {}

  /** Stores the entry and returns it, for the handler to keep updating. */
  add(entry: T): T {
    this.entries.push(entry);
    // Trim in batches so a busy load test does not shift the array on every request.
    if (this.entries.length > this.limit + 100) this.entries = this.entries.slice(-this.limit);
    return entry;
  }

  /** A snapshot of copies, oldest first, optionally only the entries `keep` accepts. */
  list(keep?: (entry: T) => boolean): T[] {
    const recent = this.entries.slice(-this.limit);
    return (keep === undefined ? recent : recent.filter(keep)).map(this.copy);
  }

  clear(): void {
    this.entries = [];
  }
}
