/** What the simulator recorded of one completion (the fields of deepseek-sim's Transcript the harness reads). */
export type SimTranscript = { lastUserMessage: string; content: string; tokens: { text: string; sentAt: number; kind: 'content' | 'reasoning' }[] };

/** Finds what the simulator sent for the completion whose last user message is `message` (null: none recorded). */
export type TranscriptLookup = (message: string) => Promise<SimTranscript | null>;

/**
 * Asks the simulator (`GET /_sim/transcripts?contains=`) over HTTP, so client processes other than
 * the one running the simulator, and runs against a remote fleet whose simulator is reachable, check
 * texts the same way. The last match wins: after a worker takeover the answer is the second completion.
 */
export const simTranscripts =
  (simUrl: string): TranscriptLookup =>
  async (message) => {
    const res = await fetch(`${simUrl.replace(/\/+$/, '')}/_sim/transcripts?contains=${encodeURIComponent(message)}`);
    if (!res.ok) throw new Error(`simulator transcripts: HTTP ${res.status}`);
    const list = (await res.json()) as SimTranscript[];
    return list.filter((t) => t.lastUserMessage === message).at(-1) ?? null;
  };
