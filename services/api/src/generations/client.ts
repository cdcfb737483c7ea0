import type { Queryable } from '@aurawell/db';
import {
  FrameSequencer,
  resumeGeneration,
  startGeneration,
  storeGapFiller,
  type BusFrame,
  type FrameSink,
  type GapFiller,
  type GenerationRequest,
  type GenerationStore,
  type ResumeOutcome,
  type StartGenerationDeps,
  type UserFanout,
} from '@aurawell/generation';
import { isTerminalStatus, type GenerationRef } from '@aurawell/protocol';

/** The end of a generation as the REST routes see it. */
export type GenerationResult =
  | { status: 'done'; text: string; data: Record<string, unknown>; ref: GenerationRef }
  | { status: 'error' | 'cancelled' | 'timeout'; text: string; errorCode: string | null; ref: GenerationRef };

export type GenerationClient = ReturnType<typeof createGenerationClient>;

/** Receives one user's frames while a request is interested in them. */
class RequestSink implements FrameSink {
  private readonly sequencer: FrameSequencer;

  constructor(
    readonly userId: string,
    onFrame: (frame: BusFrame) => void,
    fillGap?: GapFiller,
  ) {
    this.sequencer = new FrameSequencer(onFrame, fillGap);
  }

  deliver(frame: BusFrame): void {
    this.sequencer.deliver(frame);
  }

  /** Live frames of `messageId` wait from now until `endReplay`, so stored ones go first. */
  beginReplay(messageId: string, afterSeq: number): void {
    this.sequencer.beginReplay(messageId, afterSeq);
  }

  endReplay(messageId: string, frames: BusFrame[]): void {
    this.sequencer.endReplay(messageId, frames);
  }

  detached(): void {
    this.sequencer.dispose();
  }
}

const resultOf = (frames: BusFrame[], ref: GenerationRef, timedOut: boolean): GenerationResult => {
  const parsed = frames.map((f) => JSON.parse(f.raw) as { type: string; status?: string; delta?: string; data?: Record<string, unknown> });
  const text = parsed.filter((f) => f.type === 'chat_stream').map((f) => f.delta ?? '').join('');
  const terminal = parsed.find((f) => f.type === 'status_update' && isTerminalStatus(f.status));
  if (terminal?.status === 'done') return { status: 'done', text, data: terminal.data ?? {}, ref };
  const status = timedOut || !terminal ? 'timeout' : (terminal.status as 'error' | 'cancelled');
  return { status, text, errorCode: (terminal?.data?.error_code as string | undefined) ?? null, ref };
};

type ClientDeps = StartGenerationDeps & { fanout: UserFanout; store: GenerationStore; db: Queryable };

/**
 * Subscribes to the user's frames first, then starts the generation, so not one frame is
 * missed; calls `onFrame` for each frame of it in order; resolves at its terminal frame.
 */
const followWith =
  (deps: ClientDeps) =>
  async (req: GenerationRequest, onFrame: (frame: BusFrame) => void, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<GenerationResult | 'too_many'> => {
    let target: string | null = null;
    const early: BusFrame[] = [];
    const frames: BusFrame[] = [];
    let finish: () => void = () => {};
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const take = (f: BusFrame) => {
      frames.push(f);
      onFrame(f);
      if (f.terminal) finish();
    };
    const sink = new RequestSink(req.userId, (f) => (target === null ? early.push(f) : f.messageId === target && take(f)), storeGapFiller(deps.store, req.userId));
    await deps.fanout.add(sink);
    try {
      const outcome = await startGeneration(deps, req);
      if (outcome.status === 'too_many') return 'too_many';
      target = outcome.ref.messageId;
      early.filter((f) => f.messageId === target).forEach(take);
      // Stop following (not the generation) when the client goes away or the wait is too long.
      const timer = setTimeout(finish, opts.timeoutMs);
      opts.signal?.addEventListener('abort', finish, { once: true });
      await ended;
      clearTimeout(timer);
      return resultOf(frames, outcome.ref, !frames.some((f) => f.terminal));
    } finally {
      deps.fanout.remove(sink);
    }
  };

/**
 * Follows an existing generation of the user from after `afterSeq`: the stored frames first,
 * then live ones, without gap or repeat. Past the replay window: the stored answer's terminal
 * frame alone ('stored'); 'none' when the generation does not exist (for them).
 */
const resumeWith =
  (deps: ClientDeps) =>
  async (ids: { userId: string; messageId: string; afterSeq: number }, onFrame: (frame: BusFrame) => void, signal: AbortSignal): Promise<ResumeOutcome> => {
    let finish: () => void = () => {};
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const deliver = (f: BusFrame) => {
      if (f.messageId !== ids.messageId) return;
      onFrame(f);
      if (f.terminal) finish();
    };
    const sink = new RequestSink(ids.userId, deliver, storeGapFiller(deps.store, ids.userId));
    // Held from the subscription on (resumeGeneration begins the replay again, harmlessly), so a
    // live frame arriving before the stored ones are read cannot go out first.
    sink.beginReplay(ids.messageId, ids.afterSeq);
    await deps.fanout.add(sink);
    try {
      const outcome = await resumeGeneration(deps, sink, ids);
      // Over already, and the client has seen the end: nothing more will come.
      if (outcome.found !== 'stream' || outcome.over) return outcome;
      signal.addEventListener('abort', finish, { once: true });
      await ended;
      return outcome;
    } finally {
      deps.fanout.remove(sink);
    }
  };

/**
 * Starts generations on the same queue and worker as the WebSocket and follows their frames:
 * to the end (the blocking REST chat routes) or frame by frame (the SSE fallback).
 */
export const createGenerationClient = (deps: ClientDeps) => ({ follow: followWith(deps), resume: resumeWith(deps) });
