/** In-memory record of what the simulator really sent, for tests to compare against. */
import { BoundedStore } from './bounded-store';

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

/** The chat requests' records: a snapshot copies each transcript's tokens too (they grow while it streams). */
export function newTranscriptStore(limit = TRANSCRIPT_LIMIT): BoundedStore<Transcript> {
  return new BoundedStore<Transcript>(limit, (t) => ({ ...t, tokens: [...t.tokens] }));
}

/** For `list()`: the transcripts whose last user message contains `text` (all of them without it). */
export function lastUserMessageContains(text: string | undefined): ((t: Transcript) => boolean) | undefined {
  return text === undefined ? undefined : (t) => t.lastUserMessage.includes(text);
}

export function recordToken(transcript: Transcript, text: string, kind: TokenKind): void {
  transcript.tokens.push({ text, sentAt: performance.timeOrigin + performance.now(), kind });
  if (kind === 'content') transcript.content += text;
  else transcript.reasoning += text;
}
