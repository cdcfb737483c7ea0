import { storedAnswer, type Queryable } from '@aurawell/db';
import { isTerminalStatus, statusUpdateFrame, type StatusUpdateFrame } from '@aurawell/protocol';
import { toBusFrame, type BusFrame, type GapFiller } from './fanout';
import type { GenerationStore } from './store';

/** The stored frames of a generation with seq > `afterSeq`, in order, ready to send. */
export const replayFrames = async (store: Pick<GenerationStore, 'framesAfter'>, userId: string, messageId: string, afterSeq: number): Promise<BusFrame[]> =>
  (await store.framesAfter(userId, messageId, afterSeq)).map((f) => toBusFrame(f.frame)).filter((f): f is BusFrame => f !== null);

/** A GapFiller reading one user's generation streams. */
export const storeGapFiller =
  (store: Pick<GenerationStore, 'framesAfter'>, userId: string): GapFiller =>
  (messageId, afterSeq) =>
    replayFrames(store, userId, messageId, afterSeq);

/** A receiver that holds live frames of a generation while its stored ones are read (a FrameSequencer's owner). */
export type ReplaySink = {
  beginReplay(messageId: string, afterSeq: number): void;
  endReplay(messageId: string, frames: BusFrame[]): void;
};

export type ResumeOutcome =
  /** Replayed from the stream; live frames follow. `over`: it had ended and the client saw the end. */
  | { found: 'stream'; replayed: number; over: boolean }
  /** Past the replay window: only the stored answer is left, as one terminal frame without `seq`. */
  | { found: 'stored'; frame: StatusUpdateFrame }
  | { found: 'none' };

/**
 * Resumes a generation for a receiver already subscribed to the user's channel: the frames after
 * `afterSeq` go first, then live ones, without gap or repeat (the sink holds live frames
 * meanwhile). The one resume of the WebSocket and the SSE fallback.
 */
export const resumeGeneration = async (
  deps: { store: Pick<GenerationStore, 'framesAfter' | 'meta'>; db: Queryable },
  sink: ReplaySink,
  ids: { userId: string; messageId: string; afterSeq: number },
): Promise<ResumeOutcome> => {
  const { userId, messageId, afterSeq } = ids;
  sink.beginReplay(messageId, afterSeq);
  let frames: BusFrame[] = [];
  let over = false;
  try {
    frames = await replayFrames(deps.store, userId, messageId, afterSeq);
    if (frames.length === 0) {
      const meta = await deps.store.meta(userId, messageId);
      if (!meta) return await storedOutcome(deps.db, userId, messageId);
      over = isTerminalStatus(meta.status) && meta.seq <= afterSeq;
    }
  } finally {
    sink.endReplay(messageId, frames);
  }
  return { found: 'stream', replayed: frames.length, over };
};

const storedOutcome = async (db: Queryable, userId: string, messageId: string): Promise<ResumeOutcome> => {
  const frame = await storedAnswerFrame(db, userId, messageId);
  return frame ? { found: 'stored', frame } : { found: 'none' };
};

const STORED_STATUS = { complete: 'done', cancelled: 'cancelled', error: 'error' } as const;

/**
 * Past the replay window only the stored answer is left: its terminal status with the whole text
 * (`data.from_store`, no `seq`: the frame-by-frame history is gone). Null when there is none.
 */
export const storedAnswerFrame = async (db: Queryable, userId: string, messageId: string): Promise<StatusUpdateFrame | null> => {
  const answer = await storedAnswer(db, userId, messageId);
  if (!answer) return null;
  const status = STORED_STATUS[answer.status];
  const ref = { messageId, conversationId: answer.conversationId };
  const data = { full_response: answer.content, conversation_id: answer.conversationId, message_id: messageId, response_length: [...answer.content].length, from_store: true };
  const { seq: _seq, ...frame } = statusUpdateFrame(ref, 1, status, status === 'error' ? { ...data, partial_response: answer.content } : data);
  return frame;
};
