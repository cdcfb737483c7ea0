import type { ChatStreamRequestInput, ServerFrame } from '@aurawell/protocol';
import { backoffDelay, type BackoffOptions } from './backoff';
import { readEventStream } from './event-stream';
import type { Generation, GenerationError } from './generation';

export type FetchLike = typeof fetch;

export type SseChatsOptions = {
  httpOrigin: string;
  token: string;
  fetch: FetchLike;
  backoff: BackoffOptions;
  /** Every frame received, into the same path as the WebSocket's frames. */
  onFrame: (frame: ServerFrame) => void;
};

/** The request body of `POST /api/v1/chat/stream` for a new question: always with its type, text and request id. */
export type SseChatBody = ChatStreamRequestInput & Required<Pick<ChatStreamRequestInput, 'type' | 'message'>> & { request_id: string };

/** HTTP refusals that a retry cannot fix, as the generation's error. */
const refusal = (status: number, detail: string): GenerationError | null => {
  if (status === 401 || status === 403) return { code: 'UNAUTHORIZED', message: detail };
  if (status === 404) return { code: 'GENERATION_NOT_FOUND', message: detail };
  if (status === 422) return { code: 'VALIDATION_ERROR', message: detail };
  if (status === 429) return { code: 'TOO_MANY_GENERATIONS', message: detail };
  if (status >= 400 && status < 500) return { code: 'HTTP_ERROR', message: `HTTP ${status}: ${detail}` };
  return null;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The fallback for networks that block WebSockets: each generation is one `POST /api/v1/chat/stream`
 * whose Server-Sent Events are the WebSocket's frames. When the response ends early, it is re-posted
 * with `Last-Event-ID: <message_id>:<last contiguous seq>` and continues exactly after it.
 */
export class SseChats {
  private readonly active = new Map<Generation, AbortController>();

  constructor(private readonly opts: SseChatsOptions) {}

  start(gen: Generation, body: SseChatBody): void {
    const ctrl = new AbortController();
    this.active.set(gen, ctrl);
    void this.follow(gen, body, ctrl.signal).finally(() => this.active.delete(gen));
  }

  /** There is no cancel over SSE: stop following and end the generation here. */
  cancel(gen: Generation): void {
    this.active.get(gen)?.abort();
    gen.cancelLocally();
  }

  closeAll(): void {
    for (const ctrl of this.active.values()) ctrl.abort();
  }

  private async follow(gen: Generation, body: SseChatBody, signal: AbortSignal): Promise<void> {
    for (let failures = 0; !gen.finished && !signal.aborted; ) {
      const before = gen.lastSeq;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${this.opts.token}`,
      };
      // Once the message id is known this is a resume, never a second question.
      const messageId = gen.messageId;
      const resume = messageId !== null;
      if (resume) headers['last-event-id'] = `${messageId}:${gen.lastSeq}`;
      const payload: ChatStreamRequestInput = resume ? { message_id: messageId, last_seq: gen.lastSeq } : body;
      try {
        const res = await this.opts.fetch(`${this.opts.httpOrigin}/api/v1/chat/stream`, { method: 'POST', headers, body: JSON.stringify(payload), signal });
        if (!res.ok || !res.body) {
          const detail = await res.text().catch(() => '');
          const error = refusal(res.status, detail.slice(0, 200));
          if (error) return gen.fail(error);
        } else {
          await readEventStream(res.body, (m) => this.opts.onFrame(JSON.parse(m.data) as ServerFrame), signal);
        }
      } catch {
        if (signal.aborted) return;
      }
      if (gen.finished || signal.aborted) return;
      if (gen.messageId === null) return gen.fail({ code: 'CONNECTION_LOST', message: 'the stream ended before the answer was acknowledged' });
      failures = gen.lastSeq > before ? 0 : failures + 1;
      await sleep(backoffDelay(failures, this.opts.backoff), signal);
    }
  }
}
