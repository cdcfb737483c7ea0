import type { AuraWellClient } from '@aurawell/client';
import { sleep } from './clock';
import { bump, type Counters } from './counters';
import { Recorders } from './histogram';
import { authFor, SocketPool, type ClientSetup } from './sdk-client';
import type { Gauges, ShardDown, ShardSpec, ShardUp } from './shard-protocol';
import { simTranscripts, type TranscriptLookup } from './transcripts';

type Command = Exclude<ShardDown['kind'], 'start'>;

/** Calls `start(i)` for i in 0..n-1 at `perSecond` (all at once when 0), and waits for every returned promise. */
export const ramp = async (n: number, perSecond: number, start: (i: number) => Promise<void>): Promise<void> => {
  const running: Promise<void>[] = [];
  const began = Date.now();
  for (let i = 0; i < n; i += 1) {
    running.push(start(i));
    // Paced against the start, so timer lateness does not slow the whole ramp down.
    const due = began + ((i + 1) * 1000) / perSecond;
    if (perSecond > 0 && i + 1 < n && due > Date.now()) await sleep(due - Date.now());
  }
  await Promise.all(running);
};

/**
 * One client process's share of a run (the only one when `--procs 1`): its users' SDK clients,
 * what they recorded since the last tick (histograms and counters, sent to the parent and then
 * reset), gauges, and the parent's commands.
 */
export class Shard {
  /** Histograms of the current interval; sent and emptied on every tick. */
  readonly rec = new Recorders();
  /** Counts of the current interval; sent and emptied on every tick. */
  private counters: Counters = {};
  readonly pool = new SocketPool();
  readonly clients = new Set<AuraWellClient>();
  readonly setup: ClientSetup;
  readonly lookup: TranscriptLookup | null;
  settled = 0;
  armed = 0;
  private readonly received = new Set<Command>();
  private readonly handlers = new Map<Command, (() => void)[]>();

  constructor(
    readonly spec: ShardSpec,
    private readonly send: (m: ShardUp) => void,
  ) {
    this.setup = { wsUrls: spec.wsUrls, httpBase: spec.httpBase, pool: this.pool, backoff: spec.backoff, auth: authFor(spec.scenario) };
    this.lookup = spec.simUrl ? simTranscripts(spec.simUrl) : null;
  }

  /** A command from the parent: runs its handlers and resolves its waiters. */
  command(kind: Command): void {
    this.received.add(kind);
    for (const handler of this.handlers.get(kind) ?? []) handler();
  }

  on(kind: Command, handler: () => void): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  waitFor(kind: Command): Promise<void> {
    if (this.received.has(kind)) return Promise.resolve();
    return new Promise((resolve) => this.on(kind, resolve));
  }

  /** Adds to a named count of this interval. */
  count(key: string, by = 1): void {
    bump(this.counters, key, by);
  }

  gauges(): Gauges {
    let open = 0;
    for (const c of this.clients) if (c.state === 'open') open += 1;
    return { open, settled: this.settled, armed: this.armed };
  }

  /** Sends what was recorded since the last flush, and forgets it. */
  flush(kind: 'tick' | 'done', cpuSeconds = 0): void {
    const base = { shard: this.spec.index, histograms: this.rec.encode(), counters: this.counters, gauges: this.gauges() };
    this.rec.reset();
    this.counters = {};
    this.send(kind === 'tick' ? { kind, ...base } : { kind, ...base, cpuSeconds });
  }

  /** Runs `scenario` with a tick every second, then sends `done` (or `failed`). */
  async run(scenario: (shard: Shard) => Promise<void>): Promise<void> {
    const cpu = process.cpuUsage();
    const timer = setInterval(() => this.flush('tick'), 1000);
    try {
      await scenario(this);
      const used = process.cpuUsage(cpu);
      this.flush('done', (used.user + used.system) / 1e6);
    } catch (err) {
      this.send({ kind: 'failed', shard: this.spec.index, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    } finally {
      clearInterval(timer);
    }
  }
}
