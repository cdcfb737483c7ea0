import type { ClientFrame, ServerFrame, StatusUpdateFrame, SyncFrame } from '@aurawell/protocol';
import { backoffDelay, backoffDelayFromHalf } from './backoff';
import type { ChatOptions, ClientEvents, ConnectionState } from './client-events';
import { Emitter } from './emitter';
import { FrameRouter } from './frame-router';
import { Generation, type GenerationError } from './generation';
import { CredentialsRefused, socketUrlFor } from './credentials';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options';
import { OPEN, frameText, type WebSocketLike } from './socket';
import { SseChats, type SseChatBody } from './sse-chats';
import { OpenUtterances, type Utterance, type UtteranceOptions } from './utterance';

/** Refused credentials: reconnecting cannot help, the same ones would be refused again. */
const UNAUTHORIZED = 4001;
/**
 * The user's connection limit is full. It may not stay so: another tab is reloading, or a crashed
 * gateway's connections still count until it is noticed. Retried `tooManyConnectionsRetries`
 * times, further apart each time, then final.
 */
const TOO_MANY_CONNECTIONS = 4029;

const newRequestId = (): string =>
  typeof globalThis.crypto?.randomUUID === 'function' ? globalThis.crypto.randomUUID() : `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** At most this many delivery ids per `acknowledge` frame (the protocol's limit). */
const ACK_BATCH = 100;

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
  /** 4029s since the last connection that opened. */
  private tooMany = 0;
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sse: SseChats | null = null;
  private outbox: Queued[] = [];
  private readonly utterances = new OpenUtterances();
  private readonly router = new FrameRouter({
    sendResume: (messageId, lastSeq) => this.socket?.send(JSON.stringify({ type: 'resume', data: { message_id: messageId, last_seq: lastSeq } })),
    isOpen: () => this.state === 'open',
    cancel: (gen) => this.cancel(gen),
    announce: (remote) => this.emit('remote_generation', remote),
  });

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

  /**
   * Starts a spoken question: `send` its audio as it is recorded, then `end()`; the answer is the
   * utterance's `generation`. Needs an open WebSocket (the audio goes to the gateway it reached).
   */
  voice(opts: UtteranceOptions): Utterance {
    const open = () => this.state === 'open' && this.socket?.readyState === OPEN;
    return this.utterances.start(newRequestId(), opts, {
      sendJson: (frame) => (open() ? (this.socket!.send(JSON.stringify(frame)), true) : false),
      sendBinary: (bytes) => (open() ? (this.socket!.send(bytes), true) : false),
      awaitAnswer: (gen) => {
        this.router.unacknowledged.set(gen.requestId, gen);
        this.announce(gen);
      },
    });
  }

  /** This device's default for spoken answers (`chat_audio` beside the text). */
  voiceSettings(speakAnswers: boolean): void {
    this.send({ frame: { type: 'voice_settings', data: { speak_answers: speakAnswers } } });
  }

  /** Stops a generation (by handle or message id); it ends with `cancelled`. */
  cancel(target: Generation | string): void {
    const gen = typeof target === 'string' ? this.router.byMessage.get(target) : target;
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
    return this.request({ type: 'get_status' }) as Promise<StatusUpdateFrame>;
  }

  /** Sets the active family member for later chats; rejects with FAMILY_ACCESS_DENIED when not allowed. */
  switchMember(targetMemberId: string): Promise<StatusUpdateFrame> {
    return this.request({ type: 'switch_member', data: { target_member_id: targetMemberId } }) as Promise<StatusUpdateFrame>;
  }

  /**
   * Marks reminder deliveries read on every device of the user (each gets `reminders_read`);
   * resolves with the ids that were unread until now.
   */
  async acknowledge(deliveryIds: readonly string[]): Promise<string[]> {
    const batches: string[][] = [];
    for (let i = 0; i < deliveryIds.length; i += ACK_BATCH) batches.push(deliveryIds.slice(i, i + ACK_BATCH));
    const replies = await Promise.all(batches.map((ids) => this.request({ type: 'acknowledge', data: { delivery_ids: ids } })));
    return replies.flatMap((r) => ((r as StatusUpdateFrame).data?.delivery_ids as string[] | undefined) ?? []);
  }

  /**
   * What happened while this device was away: the recent conversations' turns (after `since` only,
   * when given), the generations still running — which the client then follows, each announced
   * as `remote_generation` — and the number of unread reminders. Call it on every `open`.
   */
  sync(since?: string | Date): Promise<SyncFrame> {
    const after = since instanceof Date ? since.toISOString() : since;
    return this.request({ type: 'sync', ...(after === undefined ? {} : { data: { since: after } }) }) as Promise<SyncFrame>;
  }

  /** Closes for good; unfinished generations end with `CONNECTION_CLOSED`. */
  close(): void {
    this.shutdown(1000, 'closed by the application');
  }

  private chat(type: SseChatBody['type'], message: string, opts: ChatOptions): Generation {
    const requestId = opts.requestId ?? newRequestId();
    const gen = new Generation(requestId);
    const extra = { conversation_id: opts.conversationId, active_member_id: opts.activeMemberId };
    const data = { message, ...(opts.context ? { context: opts.context } : {}), ...(opts.speak !== undefined ? { speak: opts.speak } : {}) };
    const frame = { type, data, request_id: requestId, ...extra } as ClientFrame;
    const sse: SseChatBody = { type, message, request_id: requestId, ...(opts.context ? { context: opts.context } : {}), ...extra };
    this.announce(gen);
    if (this.state === 'closed') gen.fail({ code: 'CONNECTION_CLOSED', message: 'the client is closed' });
    else if (this.state === 'fallback') this.startSse(gen, sse);
    else this.send({ frame, gen, sse });
    return gen;
  }

  /** Emits a new generation; once it ends it no longer waits for its `sending`. */
  private announce(gen: Generation): void {
    void gen.ended.then(() => this.router.unacknowledged.get(gen.requestId) === gen && this.router.unacknowledged.delete(gen.requestId));
    this.emit('generation', gen);
  }

  private request(frame: ClientFrame): Promise<ServerFrame> {
    if (this.state === 'fallback' || this.state === 'closed') return Promise.reject(new Error(`${frame.type} needs the WebSocket (state ${this.state})`));
    const requestId = newRequestId();
    const answer = this.router.requests.wait(requestId);
    this.send({ frame: { ...frame, request_id: requestId } });
    return answer;
  }

  /** Sends now when open, else after the next `connection_established`. */
  private send(item: Queued): void {
    if (this.state === 'open' && this.socket?.readyState === OPEN) this.transmit(item);
    else this.outbox.push(item);
  }

  private transmit(item: Queued): void {
    this.socket?.send(JSON.stringify(item.frame));
    if (item.gen) this.router.unacknowledged.set(item.gen.requestId, item.gen);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  private async connect(): Promise<void> {
    const attempt = this.attempt++;
    let url: string;
    try {
      url = await socketUrlFor(this.opts, attempt);
    } catch (err) {
      // A refused token is final, as the gateway's 4001 for a bad token in the URL is.
      if (err instanceof CredentialsRefused) return this.shutdown(4001, err.message);
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
    this.tooMany = 0;
    this.setState('open');
    this.router.resumeAll();
    const queued = this.outbox;
    this.outbox = [];
    for (const item of queued) this.transmit(item);
  }

  private onSocketGone(code: number, reason: string, established: boolean): void {
    if (this.state === 'closed') return;
    this.utterances.interruptAll();
    this.router.connectionLost(code);
    if (code === UNAUTHORIZED) return this.shutdown(code, reason);
    if (code === TOO_MANY_CONNECTIONS) return this.retryTooMany(reason);
    if (!established) this.failures += 1;
    const { fallbackAfter } = this.opts;
    if (!this.everOpened && fallbackAfter > 0 && this.failures >= fallbackAfter && this.canFallback()) return this.enterFallback();
    this.reconnectIn(backoffDelay(this.failures, this.opts.backoff));
  }

  /** Not a WebSocket that cannot get through (no SSE fallback): a limit that may free up soon. */
  private retryTooMany(reason: string): void {
    if (this.tooMany >= this.opts.tooManyConnectionsRetries) return this.shutdown(TOO_MANY_CONNECTIONS, reason);
    this.reconnectIn(backoffDelayFromHalf(this.tooMany++, this.opts.backoff));
  }

  private reconnectIn(ms: number): void {
    this.setState('reconnecting');
    this.timer = setTimeout(() => void this.connect(), ms);
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
    this.router.unacknowledged.set(gen.requestId, gen);
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
    for (const item of this.outbox) item.gen?.fail(error);
    this.router.failAll(error);
    this.outbox = [];
    this.emit('closed', { code, reason });
  }

  /** One server frame, from the WebSocket or SSE: typed events, then the generation or request it belongs to. */
  private dispatch(frame: ServerFrame): void {
    this.emit('frame', frame);
    this.emit(frame.type, frame as never);
    if (!this.utterances.route(frame)) this.router.route(frame);
  }
}

/** Creates a client and starts connecting. */
export const createAuraWellClient = (options: ClientOptions): AuraWellClient => new AuraWellClient(options);
