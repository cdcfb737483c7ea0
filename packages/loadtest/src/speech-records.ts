import type { SpeechRecord } from '@aurawell/deepseek-sim';
import { SpokenInputs } from './voice-check';

/** The simulator's answered speech requests, read after `endedAt` (Date.now() when a spoken answer ended). */
export type SpeechLookup = (endedAt: number) => Promise<SpokenInputs>;

/**
 * Reads the simulator's speech requests (`GET /_sim/speeches`) over HTTP, as the texts are read, so
 * every client process (and a run against a remote fleet with --sim-url) checks audio the same way.
 * A call waits for a read that started after `endedAt`, so the answer's own requests are in it;
 * calls meanwhile share that read. What was read is kept: the simulator keeps only its last 5,000.
 */
export const simSpeeches = (simUrl: string): SpeechLookup => {
  const inputs = new SpokenInputs();
  const url = `${simUrl.replace(/\/+$/, '')}/_sim/speeches`;
  let latest: { startedAt: number; done: Promise<void> } | null = null;
  const read = async (): Promise<void> => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`simulator speeches: HTTP ${res.status}`);
    for (const r of (await res.json()) as SpeechRecord[]) if (r.status === 200) inputs.add(r);
  };
  return async (endedAt) => {
    if (latest === null || latest.startedAt < endedAt) {
      const previous = latest?.done.catch(() => undefined) ?? Promise.resolve();
      // Starts once the read in flight is over: one read at a time, never before `endedAt`.
      latest = { startedAt: Date.now(), done: previous.then(read) };
    }
    await latest.done;
    return inputs;
  };
};
