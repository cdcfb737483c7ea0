import { now } from './clock';
import type { Recorders } from './histogram';
import type { SimTranscript } from './transcripts';
import { WireTally, type WireFrame } from './wire-tally';

export type ChatResult = { ok: boolean; cause: string | null; tokens: number; lost: number; duplicated: number; reordered: number };

/** How a chat ended, as the client (the SDK, or a frame reader) saw it. */
export type ChatEnd = {
  state: 'done' | 'error' | 'cancelled' | 'timeout';
  /** The answer's text as the client assembled it. */
  text: string;
  /** `done.data.full_response`, when done. */
  fullResponse?: string;
  errorCode?: string;
};

/** Why a chat is not exact, or null when it is. */
export const chatCause = (end: ChatEnd, transcript: SimTranscript | null | undefined): string | null => {
  if (end.state === 'timeout') return 'timeout';
  if (end.state !== 'done') return `${end.state}:${end.errorCode ?? ''}`;
  if (end.fullResponse !== undefined && end.fullResponse !== end.text) return 'text_mismatch';
  if (transcript === null) return 'no_transcript';
  if (transcript !== undefined && transcript.content !== end.text) return 'text_mismatch';
  return null;
};

/** The names a chat's measures are recorded under. */
export type ChatMeasures = { sending: string; firstToken: string; gap: string; done: string; added: string };

/** A typed chat's: each measured from the moment it is sent. */
export const CHAT_MEASURES: ChatMeasures = { sending: 'time_to_sending', firstToken: 'first_token', gap: 'inter_token_gap', done: 'time_to_done', added: 'added_latency' };

/**
 * Measures one chat from the moment it is sent: time to `sending`, first token, gaps between
 * tokens and time to the end, from the frames as they arrive on the wire (every connection,
 * duplicates included), and at the end the text against what the simulator really sent.
 */
export class ChatMeter {
  readonly wire = new WireTally();
  messageId: string | null = null;
  private readonly sentAt = now();
  private lastTokenAt: number | null = null;

  constructor(
    readonly message: string,
    private readonly rec: Recorders,
    private readonly names: ChatMeasures = CHAT_MEASURES,
  ) {}

  /** Names the generation this chat became (from its `sending` frame). */
  bind(messageId: string): void {
    this.messageId ??= messageId;
  }

  /** One received frame; frames of other generations are ignored. */
  onFrame(f: WireFrame, at = now()): void {
    if (this.messageId === null || f.message_id !== this.messageId) return;
    if (!this.wire.push(f, at)) return;
    if (f.type === 'status_update' && f.status === 'sending') this.rec.get(this.names.sending).record(at - this.sentAt);
    if (f.type !== 'chat_stream') return;
    if (this.lastTokenAt === null) this.rec.get(this.names.firstToken).record(at - this.sentAt);
    else this.rec.get(this.names.gap).record(at - this.lastTokenAt);
    this.lastTokenAt = at;
  }

  /**
   * The result: exact when the client's text is `full_response` and (when the simulator is
   * checked: `transcript` not undefined) what the simulator sent; added latency per token when it is.
   */
  finish(end: ChatEnd, transcript: SimTranscript | null | undefined): ChatResult {
    if (end.state === 'done') this.rec.get(this.names.done).record(now() - this.sentAt);
    const arrivals = this.wire.tokenArrivals();
    let lost = this.wire.lostSeqs;
    if (transcript) {
      const sent = transcript.tokens.filter((t) => t.kind === 'content');
      sent.forEach((t, i) => arrivals[i] !== undefined && this.rec.get(this.names.added).record(arrivals[i] - t.sentAt));
      if (end.state === 'done') lost = Math.max(lost, sent.length - arrivals.length);
    }
    const cause = chatCause(end, transcript);
    return { ok: cause === null, cause, tokens: arrivals.length, lost, duplicated: this.wire.duplicated, reordered: this.wire.reordered };
  }
}
