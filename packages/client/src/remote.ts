import type { SyncFrame, UserMessageFrame } from '@aurawell/protocol';
import type { GenerationFrame } from './assembler';
import { Generation } from './generation';

/** An answer started elsewhere (another device of the user, or the REST api), followed here as a Generation. */
export type RemoteGeneration = {
  generation: Generation;
  /** The question; null when learnt from a `sync` before the question was stored. */
  message: string | null;
  conversationId: string;
  /** null when learnt from a `sync`. */
  kind: 'health' | 'general' | null;
  activeMemberId: string | null;
  /** How the client learnt of it: the `user_message` frame, or a `sync` listing it as running. */
  source: 'user_message' | 'sync';
};

type Known = Omit<RemoteGeneration, 'generation'>;

/** What the client lends the tracker: its generations by message id, its socket and its events. */
export type RemoteHooks = {
  isTracked(messageId: string): boolean;
  track(messageId: string, generation: Generation): void;
  /** Feeds a frame to the (now tracked) generation, with the client's gap repair. */
  deliver(frame: GenerationFrame): void;
  resume(messageId: string, lastSeq: number): void;
  announce(remote: RemoteGeneration): void;
};

/** Generations whose recent untracked frames are kept, and how many frames of each. */
const MAX_BUFFERED_GENERATIONS = 16;
const MAX_BUFFERED_FRAMES = 64;
/** Generations remembered as ended here, so a late frame or an older `sync` does not bring one back. */
const MAX_ENDED = 64;

const bySeq = (a: GenerationFrame, b: GenerationFrame): number => (a.seq ?? Infinity) - (b.seq ?? Infinity);

const isNotFound = (f: GenerationFrame): boolean => f.type === 'error' && f.error_code === 'GENERATION_NOT_FOUND';

const questionOf = (sync: SyncFrame, messageId: string, conversationId: string): string | null =>
  sync.conversations.find((c) => c.conversation_id === conversationId)?.turns.find((t) => t.role === 'user' && t.message_id === messageId)?.content ?? null;

/**
 * Follows the answers this client did not start. Every device of a user receives every frame of
 * the user's generations; frames of one nobody here tracks are kept briefly (the `sending` frame
 * may come just before the `user_message` that names it). A `user_message` adopts the generation
 * with what was kept; a `sync` listing a running one asks for it from `last_seq: 0` and adopts it
 * on its first frame — unless that frame shows it is this client's own chat (its `request_id`),
 * which the client binds first. Gaps are then repaired like those of any generation.
 */
export class RemoteGenerations {
  private readonly buffered = new Map<string, GenerationFrame[]>();
  private readonly wanted = new Map<string, Known>();
  private readonly endedIds = new Set<string>();

  constructor(private readonly hooks: RemoteHooks) {}

  userMessage(frame: UserMessageFrame): void {
    const id = frame.message_id;
    if (this.hooks.isTracked(id) || this.endedIds.has(id)) return;
    this.adopt(id, { message: frame.message, conversationId: frame.conversation_id, kind: frame.kind, activeMemberId: frame.active_member_id, source: 'user_message' });
  }

  sync(frame: SyncFrame): void {
    for (const { message_id: id, conversation_id: conversationId } of frame.running) {
      if (this.hooks.isTracked(id) || this.endedIds.has(id) || this.wanted.has(id)) continue;
      this.wanted.set(id, { message: questionOf(frame, id, conversationId), conversationId, kind: null, activeMemberId: null, source: 'sync' });
      this.hooks.resume(id, 0);
    }
  }

  /** A frame of a generation the client does not track. */
  untracked(frame: GenerationFrame): void {
    const id = frame.message_id as string;
    if (this.endedIds.has(id)) return;
    const known = this.wanted.get(id);
    if (known && isNotFound(frame)) {
      this.wanted.delete(id); // it ended and is gone: nothing to follow
      return;
    }
    this.keep(id, frame);
    if (known) this.adopt(id, known);
  }

  /** The client tracks this generation itself (its own chat). */
  forget(messageId: string): void {
    this.wanted.delete(messageId);
    this.buffered.delete(messageId);
  }

  /** A tracked generation ended. */
  ended(messageId: string): void {
    this.forget(messageId);
    this.endedIds.add(messageId);
    if (this.endedIds.size > MAX_ENDED) this.endedIds.delete(this.endedIds.values().next().value as string);
  }

  /** The socket the `resume`s went out on is gone; the application syncs again after the reconnect. */
  socketGone(): void {
    this.wanted.clear();
  }

  private keep(id: string, frame: GenerationFrame): void {
    let frames = this.buffered.get(id);
    if (!frames) {
      if (this.buffered.size >= MAX_BUFFERED_GENERATIONS) this.buffered.delete(this.buffered.keys().next().value as string);
      frames = [];
      this.buffered.set(id, frames);
    }
    // Past the cap the first frames are kept: the gap after them is repaired with a resume.
    if (frames.length < MAX_BUFFERED_FRAMES) frames.push(frame);
  }

  private adopt(id: string, known: Known): void {
    this.wanted.delete(id);
    const frames = (this.buffered.get(id) ?? []).sort(bySeq);
    this.buffered.delete(id);
    const generation = new Generation(`remote-${id}`);
    generation.messageId = id;
    generation.conversationId = known.conversationId;
    this.hooks.track(id, generation);
    // Announced before any frame is applied, so the application's listeners see the whole text.
    this.hooks.announce({ ...known, generation });
    for (const f of frames) this.hooks.deliver(f);
  }
}
