/** In-memory record of what the simulator really sent, for tests to compare against. */

export type TokenKind = 'content' | 'reasoning';

export interface TranscriptToken {
  text: string;
  /** performance.timeOrigin + performance.now(), in ms: sub-ms precision for pacing checks. */
  sentAt: number;
  kind: TokenKind;
}

export interface Transcript {
  /** The completion id (`chatcmpl-…`) also used in the response. */
  id: string;
  /** Date.now() when the request body had been read. */
  receivedAt: number;
  model: string;
  thinking: boolean;
  messages: unknown[];
  lastUserMessage: string;
  /** HTTP status sent (200 for completions, the error status otherwise). */
  status: number;
  /** Content actually written to the socket, concatenated. */
  content: string;
  reasoning: string;
  tokens: TranscriptToken[];
  finishReason: string | null;
  /** The client went away before the response was finished. */
  aborted: boolean;
  /** The response ran to its natural end (finish_reason and [DONE], the full JSON, or the full error body). */
  completed: boolean;
}

export const TRANSCRIPT_LIMIT = 5_000;

export class TranscriptStore {
  private entries: Transcript[] = [];

  constructor(private readonly limit = TRANSCRIPT_LIMIT) {}

  /** Stores the entry (which keeps being updated while its response streams). */
  add(entry: Transcript): Transcript {
    this.entries.push(entry);
    // Trim in batches so a busy load test does not shift the array on every request.
    if (this.entries.length > this.limit + 100) this.entries = this.entries.slice(-this.limit);
    return entry;
  }

  /** A snapshot, oldest first, optionally only entries whose last user message contains `text`. */
  list(contains?: string): Transcript[] {
    const recent = this.entries.slice(-this.limit);
    const matching = contains === undefined ? recent : recent.filter((t) => t.lastUserMessage.includes(contains));
    return matching.map((t) => ({ ...t, tokens: [...t.tokens] }));
  }

  clear(): void {
    this.entries = [];
  }
}

export function recordToken(transcript: Transcript, text: string, kind: TokenKind): void {
  transcript.tokens.push({ text, sentAt: performance.timeOrigin + performance.now(), kind });
  if (kind === 'content') transcript.content += text;
  else transcript.reasoning += text;
}
