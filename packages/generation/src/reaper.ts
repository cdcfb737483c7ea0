import { randomUUID } from 'node:crypto';
import { errorFrame, isTerminalStatus, statusUpdateFrame } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import type { GenerationStore } from './store';

export const ABANDONED_TEXT = '回复生成中断（处理服务异常），请重新提问';

/**
 * Ends one generation that outlived its deadline without a terminal status (its worker died
 * past BullMQ's stall recovery, or could not reach Redis): the error frame, then the terminal
 * `status_update` `error`. The claim fences any straggler out; a generation that finished in the
 * meantime is left alone.
 */
export const endAbandoned = async (store: GenerationStore, userId: string, messageId: string): Promise<boolean> => {
  const meta = await store.meta(userId, messageId);
  if (!meta || isTerminalStatus(meta.status)) {
    await store.forget(userId, messageId);
    return false;
  }
  const owner = `reaper:${randomUUID()}`;
  const seq = await store.claim(userId, messageId, owner);
  if (seq === null) return false;
  const ref = { messageId, conversationId: meta.conversationId };
  await store.append({ userId, messageId, owner, seq: seq + 1, frame: JSON.stringify(errorFrame('INTERNAL_ERROR', ABANDONED_TEXT, { ref, seq: seq + 1 })) });
  const terminal = statusUpdateFrame(ref, seq + 2, 'error', { error_code: 'INTERNAL_ERROR', reason: 'abandoned' }, ABANDONED_TEXT);
  await store.append({ userId, messageId, owner, seq: seq + 2, status: 'error', frame: JSON.stringify(terminal) });
  return true;
};

/**
 * Every worker sweeps now and then; the claim makes it safe for several to sweep at once.
 * A generation is swept `graceMs` after its deadline, when its own worker should long have ended it.
 */
export const startReaper = (store: GenerationStore, logger: Logger, opts: { intervalMs: number; graceMs: number }) => {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      for (const g of await store.overdue(Date.now() - opts.graceMs)) {
        if (await endAbandoned(store, g.userId, g.messageId)) logger.warn({ messageId: g.messageId }, 'abandoned generation ended');
      }
    } catch (err) {
      logger.warn({ err }, 'reaper sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), opts.intervalMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
};
