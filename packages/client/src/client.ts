import type { ClientFrame, ServerFrame, StatusUpdateFrame } from '@aurawell/protocol';
import type { GenerationFrame } from './assembler';
import { backoffDelay } from './backoff';
import type { ChatOptions, ClientEvents, ConnectionState } from './client-events';
import { Emitter } from './emitter';
import { Generation, type GenerationError } from './generation';
import { fetchTicket, resolveOptions, type ClientOptions, type ResolvedOptions } from './options';
import { OPEN, frameText, type WebSocketLike } from './socket';
import { SseChats, type SseChatBody } from './sse-chats';
import { chatSocketUrl, pickUrl } from './urls';

/** Close codes after which reconnecting cannot help: the same credentials or limit would be refused again. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4001, 4029]);

const newRequestId = (): string =>
  typeof globalThis.crypto?.randomUUID === 'function' ? globalThis.crypto.randomUUID() : `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

type Pending = { resolve: (f: StatusUpdateFrame) => void; reject: (e: Error) => void };
type Queued = { frame: ClientFrame; gen?: Generation; sse?: SseChatBody };

/**
 * The AuraWell chat client: one WebSocket (reconnected with backoff, resuming every unfinished
 * generation), or SSE when WebSockets never get through. See packages/client/README.md.
 */
export class AuraWellClient extends Emitter<ClientEvents> {
  state: ConnectionState = 'connecting';
  private readonly opts: ResolvedOptions;
  private socket: WebSocketLike | null = null;
  private attempt = 0;
  private failures = 0;
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sse: SseChats | null = null;
  private outbox: Queued[] = [];
  /** Chats sent on the current socket whose `sending` (and so message id) has not come yet. */
  private readonly unacknowledged = new Map<string, Generation>();
  private readonly byMessage = new Map<string, Generation>();
  private readonly pending = new Map<string, Pending>();
  /** The last_seq of the last resume sent per message id, so a gap asks once, not per frame. */
  private readonly resumed = new Map<string, number>();

  constructor(options: ClientOptions) {
    super();
    this.opts = resolveOptions(options);
    if (!this.opts.WebSocket) throw new Error('no WebSocket implementation: pass options.WebSocket (e.g. from the "ws" package)');
    void this.connect();
  }

  healthChat(message: string, opts: ChatOptions = {}): Generation {
    return this.chat('health_chat', message, opts);
  }

  generalChat(message: string, opts: ChatOptions = {}): Generation {
    return this.chat('general_chat', message, opts);
  }

  /** Stops a generation (by handle or message id); it ends with `cancelled`. */
  cancel(target: Generation | string): void {
    const gen = typeof target === 'string' ? this.byMessage.get(target) : target;
    if (this.state === 'fallback' && gen) return this.sse?.cancel(gen);
    const messageId = typeof target === 'string' ? target : target.messageId;
    if (messageId === null) {
      // Sent as soon as the server names the generation.
      if (gen) gen.cancelRequested = true;
      return;
    }
    this.send({ frame: { type: 'cancel', data: { message_id: messageId } } });
  }

  /** The session (`status_update` `done` with `data.session`). */
  getStatus(): Promise<StatusUpdateFrame> {
    return this.request({ type: 'get_status' });
  }

  /** Sets the active family member for later chats; rejects with FAMILY_ACCESS_DENIED when not allowed. */
  switchMember(targetMemberId: string): Promise<StatusUpdateFrame> {
    return this.request({ type: 'switch_member', data: { target_member_id: targetMemberId } });
  }

  /** Closes for good; unfinished generations end with `CONNECTION_CLOSED`. */
  close(): void {
    this.shutdown(1000, 'closed by the application');
  }

  private chat(type: SseChatBody['type'], message: string, opts: ChatOptions): Generation {
    const requestId = opts.requestId ?? newRequestId();
    const gen = new Generation(requestId);
    const extra = { conversation_id: opts.conversationId, active_member_id: opts.activeMemberId };
    const frame = { type, data: { message, ...(opts.context ? { context: opts.context } : {}) }, request_id: requestId, ...extra } as ClientFrame;
    const sse: SseChatBody = { type, message, request_id: requestId, ...(opts.context ? { context: opts.context } : {}), ...extra };
    void gen.ended.then(() => this.unacknowledged.get(requestId) === gen && this.unacknowledged.delete(requestId));
    this.emit('generation', gen);
    if (this.state === 'closed') gen.fail({ code: 'CONNECTION_CLOSED', message: 'the client is closed' });
    else if (this.state === 'fallback') this.startSse(gen, sse);
    else this.send({ frame, gen, sse });
    return gen;
  }

  private request(frame: ClientFrame & { request_id?: string }): Promise<StatusUpdateFrame> {
    if (this.state === 'fallback' || this.state === 'closed') return Promise.reject(new Error(`${frame.type} needs the WebSocket (state ${this.state})`));
    const requestId = newRequestId();
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.send({ frame: { ...frame, request_id: requestId } });
    });
  }

  /** Sends now when open, else after the next `connection_established`. */
  private send(item: Queued): void {
    if (this.state === 'open' && this.socket?.readyState === OPEN) this.transmit(item);
    else this.outbox.push(item);
  }

  private transmit(item: Queued): void {
    this.socket?.send(JSON.stringify(item.frame));
    if (item.gen) this.unacknowledged.set(item.gen.requestId, item.gen);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  private async socketUrl(attempt: number): Promise<string> {
    const origin = pickUrl(this.opts.wsUrl, attempt);
    const { auth, httpOrigin, fetch: fetchFn } = this.opts;
    if ('ticket' in auth) return chatSocketUrl(origin, this.opts.userId, { ticket: await auth.ticket() });
    if (auth.useTicket) {
      if (!fetchFn) throw new Error('useTicket needs fetch');
      return chatSocketUrl(origin, this.opts.userId, { ticket: await fetchTicket(httpOrigin, auth.token, fetchFn) });
    }
    return chatSocketUrl(origin, this.opts.userId, { token: auth.token });
  }

  private async connect(): Promise<void> {
    const attempt = this.attempt++;
    let url: string;
    try {
      url = await this.socketUrl(attempt);
    } catch {
      return this.onSocketGone(1006, 'could not get credentials', false);
    }
    if (this.state === 'closed') return;
    const ws = new (this.opts.WebSocket as NonNullable<ResolvedOptions['WebSocket']>)(url);
    this.socket = ws;
    let established = false;
    ws.addEventListener('message', (ev) => {
      if (this.socket !== ws) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(frameText(ev.data)) as ServerFrame;
      } catch {
        return; // not ours to crash on; the server only sends JSON
      }
      if (frame.type === 'connection_established') {
        established = true;
        this.onEstablished();
      }
      this.dispatch(frame);
    });
    ws.addEventListener('close', (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.onSocketGone(ev.code, ev.reason, established);
    });
    ws.addEventListener('error', () => {}); // a close event always follows
  }

  private onEstablished(): void {
    this.everOpened = true;
    this.failures = 0;
    this.setState('open');
    this.resumed.clear();
    // Every unfinished generation continues exactly after what this client already has.
    for (const [messageId, gen] of this.byMessage) {
      if (!gen.finished) this.resume(messageId, gen.lastSeq);
    }
    const queued = this.outbox;
    this.outbox = [];
    for (const item of queued) this.transmit(item);
  }

  private resume(messageId: string, lastSeq: number): void {
    this.resumed.set(messageId, lastSeq);
    this.socket?.send(JSON.stringify({ type: 'resume', data: { message_id: messageId, last_seq: lastSeq } }));
  }

  private onSocketGone(code: number, reason: string, established: boolean): void {
    if (this.state === 'closed') return;
    // A chat whose `sending` never came cannot be resumed (no message id): the server may or may
    // not have it, and sending it again could answer twice. The application decides.
    for (const gen of this.unacknowledged.values()) gen.fail({ code: 'CONNECTION_LOST', message: 'the connection dropped before the server acknowledged the chat' });
    this.unacknowledged.clear();
    for (const p of this.pending.values()) p.reject(new Error(`connection closed (${code})`));
    this.pending.clear();
    if (FINAL_CLOSE_CODES.has(code)) return this.shutdown(code, reason);
    if (!established) this.failures += 1;
    const { fallbackAfter } = this.opts;
    if (!this.everOpened && fallbackAfter > 0 && this.failures >= fallbackAfter && this.canFallback()) return this.enterFallback();
    this.setState('reconnecting');
    this.timer = setTimeout(() => void this.connect(), backoffDelay(this.failures, this.opts.backoff));
  }

  private canFallback(): boolean {
    return this.opts.auth.token !== undefined && this.opts.fetch !== undefined;
  }

  private enterFallback(): void {
    this.sse = new SseChats({
      httpOrigin: this.opts.httpOrigin,
      token: this.opts.auth.token as string,
      fetch: this.opts.fetch!,
      backoff: this.opts.backoff,
      onFrame: (f) => this.dispatch(f),
    });
    this.setState('fallback');
    const queued = this.outbox;
    this.outbox = [];
    for (const item of queued) {
      if (item.gen && item.sse) this.startSse(item.gen, item.sse);
      else if (item.frame.type === 'cancel') this.cancel(item.frame.data.message_id);
    }
  }

  /** Its `sending` event binds the message id by request id, as on the WebSocket. */
  private startSse(gen: Generation, body: SseChatBody): void {
    this.unacknowledged.set(gen.requestId, gen);
    this.sse?.start(gen, body);
  }

  private shutdown(code: number, reason: string): void {
    if (this.state === 'closed') return;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000);
    this.sse?.closeAll();
    this.setState('closed');
    const error: GenerationError = { code: 'CONNECTION_CLOSED', message: `connection closed: ${code} ${reason}` };
    for (const gen of [...this.byMessage.values(), ...this.unacknowledged.values(), ...this.outbox.flatMap((q) => (q.gen ? [q.gen] : []))]) gen.fail(error);
    for (const p of this.pending.values()) p.reject(new Error(error.message));
    this.pending.clear();
    this.outbox = [];
    this.emit('closed', { code, reason });
  }

  /** One server frame, from the WebSocket or SSE: typed events, then the generation it belongs to. */
  private dispatch(frame: ServerFrame): void {
    this.emit('frame', frame);
    this.emit(frame.type, frame as never);
    if (!isGenerationOrReply(frame)) return;
    const requestId = frame.type === 'error' ? frame.request_id : frame.type === 'status_update' ? (frame.data?.request_id as string | undefined) : undefined;
    if (frame.message_id) return this.toGeneration(frame, requestId);
    if (requestId === undefined) return;
    const waiting = this.pending.get(requestId);
    if (waiting) {
      this.pending.delete(requestId);
      if (frame.type === 'error') waiting.reject(Object.assign(new Error(frame.message), { code: frame.error_code }));
      else if (frame.type === 'status_update') waiting.resolve(frame);
      return;
    }
    // A chat refused before it became a generation (TOO_MANY_GENERATIONS, VALIDATION_ERROR, RATE_LIMITED).
    const gen = this.unacknowledged.get(requestId);
    if (gen && frame.type === 'error') {
      this.unacknowledged.delete(requestId);
      gen.fail({ code: frame.error_code, message: frame.message });
    }
  }

  private toGeneration(frame: ServerFrame, requestId: string | undefined): void {
    const messageId = (frame as GenerationFrame).message_id as string;
    let gen = this.byMessage.get(messageId);
    if (!gen && requestId !== undefined) {
      // The `sending` frame names the generation of the chat with this request id.
      gen = this.unacknowledged.get(requestId);
      if (!gen) return;
      this.unacknowledged.delete(requestId);
      this.byMessage.set(messageId, gen);
      gen.messageId = messageId;
      if (gen.cancelRequested) this.cancel(gen);
    }
    if (!gen) return; // another device's generation: visible through the frame events only
    const gap = gen.push(frame as GenerationFrame);
    if (gen.finished) {
      this.byMessage.delete(messageId);
      this.resumed.delete(messageId);
      return;
    }
    // Frames are missing: ask the server again from the last contiguous seq (once per position).
    if (gap && this.state === 'open' && this.resumed.get(messageId) !== gen.lastSeq) this.resume(messageId, gen.lastSeq);
  }

}

const NOT_GENERATION_FRAMES = new Set<ServerFrame['type']>(['connection_established', 'pong', 'reminder', 'reminders_read', 'user_message', 'sync']);

/** A frame of a generation, or the answer to a request (`status_update` / `error`). */
const isGenerationOrReply = (frame: ServerFrame): frame is GenerationFrame => !NOT_GENERATION_FRAMES.has(frame.type);

/** Creates a client and starts connecting. */
export const createAuraWellClient = (options: ClientOptions): AuraWellClient => new AuraWellClient(options);
