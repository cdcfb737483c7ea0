import type { ChatResult } from './chat-meter';
import type { VoiceResult } from './voice-meter';

/** Named counts (outcomes, frames, requests); sums merge across processes and intervals. */
export type Counters = Record<string, number>;

/** Adds to a named count (by 1 unless told). */
export type Count = (key: string, by?: number) => void;

export const bump = (c: Counters, key: string, by = 1): void => {
  if (by !== 0) c[key] = (c[key] ?? 0) + by;
};

export const addCounters = (into: Counters, from: Counters): void => {
  for (const [key, n] of Object.entries(from)) bump(into, key, n);
};

/** Counts one chat: its outcome (`outcome:ok` or `outcome:<cause>`) and its wire accounting. */
export const countChat = (count: Count, r: ChatResult): void => {
  count('chats');
  if (r.ok) count('exact');
  count(r.ok ? 'outcome:ok' : `outcome:${r.cause ?? 'failed'}`);
  count('tokens', r.tokens);
  count('lost_tokens', r.lost);
  count('duplicated_frames', r.duplicated);
  count('reordered_frames', r.reordered);
};

/** Counts one spoken question: as a chat (its outcome and wire accounting), and the sentences and audio bytes spoken. */
export const countVoice = (count: Count, r: VoiceResult): void => {
  countChat(count, r);
  count('sentences', r.sentences);
  count('audio_bytes', r.audioBytes);
};

/** The counters under `prefix` (without it), e.g. every `outcome:`. */
export const withPrefix = (c: Counters, prefix: string): Counters =>
  Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith(prefix)).map(([k, n]) => [k.slice(prefix.length), n]));
