/** One Server-Sent Event: `id:`, `event:` and the (joined) `data:` lines. */
export type SseMessage = { id: string | null; event: string | null; data: string };

/**
 * Splits a text/event-stream into events, as chunks arrive. Kept apart from fetch so the parser
 * is tested on its own: chunks may cut anywhere, lines may end in CRLF, comments keep proxies alive.
 */
export class EventStreamParser {
  private buffer = '';
  /** A CR that ended the last chunk: its LF may start the next one (one line end, not two). */
  private pendingCr = false;

  push(chunk: string): SseMessage[] {
    let text = (this.pendingCr ? '\r' : '') + chunk;
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.buffer += text.replace(/\r\n?/g, '\n');
    const out: SseMessage[] = [];
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let id: string | null = null;
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) out.push({ id, event, data: data.join('\n') });
    }
    return out;
  }
}

/** Reads a response body to its end (or until `signal` aborts), calling `onMessage` per event. */
export const readEventStream = async (body: ReadableStream<Uint8Array>, onMessage: (m: SseMessage) => void, signal: AbortSignal): Promise<void> => {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventStreamParser();
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const m of parser.push(decoder.decode(value, { stream: true }))) onMessage(m);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
};
