import type { ServerFrame, SyncFrame } from '@aurawell/protocol';
import type { GenerationFrame } from './assembler';
import type { Generation, GenerationError } from './generation';
import { RemoteGenerations, type RemoteGeneration } from './remote';
import { PendingRequests } from './requests';

/** What the router needs from the connection: a socket to send on, and the client's own actions. */
export type RouterHooks = {
  /** Sends `resume` on the current socket (if any). */
  sendResume(messageId: string, lastSeq: number): void;
  isOpen(): boolean;
  cancel(gen: Generation): void;
  announce(remote: RemoteGeneration): void;
};

// Spelled out rather than built from the protocol's lists: the SDK imports only types (no zod in browsers).
const NOT_GENERATION_FRAMES = new Set<ServerFrame['type']>(['connection_established', 'pong', 'reminder', 'reminders_read', 'user_message', 'sync', 'voice_transcript']);

/** A frame of a generation, or the answer to a request (`status_update` / `error`). */
const isGenerationOrReply = (frame: ServerFrame): frame is GenerationFrame => !NOT_GENERATION_FRAMES.has(frame.type);

/** How long a `resume` may take to close a gap before a held frame may ask again (it may have failed). */
const RESUME_PATIENCE_MS = 2000;

const replyRequestId = (frame: GenerationFrame): string | undefined =>
  frame.type === 'error' ? frame.request_id : frame.type === 'status_update' ? (frame.data?.request_id as string | undefined) : undefined;

/**
 * Where each server frame goes: the generation it belongs to (this client's own chats by request
 * id until the server names them, then by message id; answers started elsewhere through
 * RemoteGenerations), or the request it answers. Asks for a `resume` when a generation has a gap.
 */
export class FrameRouter {
  /** Chats sent on the current socket (or SSE) whose `sending` (and so message id) has not come yet. */
  readonly unacknowledged = new Map<string, Generation>();
  /** Every unfinished generation this client follows, its own and those started elsewhere. */
  readonly byMessage = new Map<string, Generation>();
  readonly requests = new PendingRequests();
  /**
   * When a `resume` went out per generation with a gap: the server replays everything after it in
   * order, so while it fills the gap a held frame is no reason to ask again (for a while).
   */
  private readonly resumed = new Map<string, number>();
  private readonly remote: RemoteGenerations;

  constructor(private readonly hooks: RouterHooks) {
    this.remote = new RemoteGenerations({
      isTracked: (id) => this.byMessage.has(id),
      track: (id, gen) => this.byMessage.set(id, gen),
      deliver: (frame) => this.toGeneration(frame, undefined),
      resume: (id, lastSeq) => this.resume(id, lastSeq),
      announce: (remote) => hooks.announce(remote),
    });
  }

  /** On a new connection: every unfinished generation continues exactly after what this client has. */
  resumeAll(): void {
    this.resumed.clear();
    for (const [messageId, gen] of this.byMessage) if (!gen.finished) this.resume(messageId, gen.lastSeq);
  }

  /**
   * The socket is gone. A chat whose `sending` never came cannot be resumed (no message id): the
   * server may or may not have it, and sending it again could answer twice. The application decides.
   */
  connectionLost(code: number): void {
    for (const gen of this.unacknowledged.values()) gen.fail({ code: 'CONNECTION_LOST', message: 'the connection dropped before the server acknowledged the chat' });
    this.unacknowledged.clear();
    this.requests.rejectAll(`connection closed (${code})`);
    this.remote.socketGone();
  }

  /** The client closed for good: every generation and request ends with `error`. */
  failAll(error: GenerationError): void {
    for (const gen of [...this.byMessage.values(), ...this.unacknowledged.values()]) gen.fail(error);
    this.requests.rejectAll(error.message);
  }

  /** One server frame, from the WebSocket or SSE (after the client emitted its events). */
  route(frame: ServerFrame): void {
    if (frame.type === 'user_message') return this.remote.userMessage(frame);
    if (frame.type === 'sync') {
      this.remote.sync(frame);
      this.requests.settle((frame as SyncFrame & { request_id?: string }).request_id, frame);
      return;
    }
    if (!isGenerationOrReply(frame)) return;
    const requestId = replyRequestId(frame);
    if (frame.message_id) return this.toGeneration(frame, requestId);
    if (requestId === undefined || this.requests.settle(requestId, frame)) return;
    // A chat refused before it became a generation (TOO_MANY_GENERATIONS, VALIDATION_ERROR, RATE_LIMITED).
    const gen = this.unacknowledged.get(requestId);
    if (gen && frame.type === 'error') {
      this.unacknowledged.delete(requestId);
      gen.fail({ code: frame.error_code, message: frame.message });
    }
  }

  private resume(messageId: string, lastSeq: number): void {
    this.resumed.set(messageId, Date.now());
    this.hooks.sendResume(messageId, lastSeq);
  }

  private toGeneration(frame: GenerationFrame, requestId: string | undefined): void {
    const messageId = frame.message_id as string;
    const gen = this.byMessage.get(messageId) ?? this.bindOwnChat(messageId, requestId);
    if (!gen) return this.remote.untracked(frame); // started elsewhere: followed once it is named
    const gap = gen.push(frame);
    if (gen.finished) {
      this.byMessage.delete(messageId);
      this.resumed.delete(messageId);
      this.remote.ended(messageId);
      return;
    }
    // Frames are missing: ask the server from the last contiguous seq, once until the gap closes.
    const asked = this.resumed.get(messageId);
    if (!gap) this.resumed.delete(messageId);
    else if (this.hooks.isOpen() && (asked === undefined || Date.now() - asked >= RESUME_PATIENCE_MS)) this.resume(messageId, gen.lastSeq);
  }

  /** The `sending` frame names the generation of this client's chat with that request id. */
  private bindOwnChat(messageId: string, requestId: string | undefined): Generation | undefined {
    const gen = requestId === undefined ? undefined : this.unacknowledged.get(requestId);
    if (!gen) return undefined;
    this.unacknowledged.delete(requestId as string);
    this.byMessage.set(messageId, gen);
    this.remote.forget(messageId);
    gen.messageId = messageId;
    if (gen.cancelRequested) this.hooks.cancel(gen);
    return gen;
  }
}
