import { DelayedError, type Job } from 'bullmq';
import { ChatJob } from '@aurawell/protocol';
import { listenForCancels } from '@aurawell/generation';
import { createChatWorker, type Keys, type RedisClient } from '@aurawell/platform';
import { runGeneration, type Outcome } from './generation';
import type { GenerationDeps } from './generation-deps';

export type AdviceWorkerDeps = GenerationDeps & {
  blocking: RedisClient;
  subscriber: RedisClient;
  keys: Keys;
  concurrency: number;
  lock: { durationMs: number; stalledIntervalMs: number };
  /** How long a question waiting for its conversation's earlier one sleeps before looking again. */
  turnPollMs: number;
};

type Running = { cancel: AbortController; handoff: AbortController };

/** Keeps a handed-off job active (never resolving) so its lock lapses and another worker takes it. */
const handedOff = (): Promise<never> => new Promise<never>(() => {});

/**
 * The advice worker: consumes chat jobs and runs each generation; stops a running generation
 * when any gateway relays a user's `cancel`; on shutdown finishes what it can within a deadline
 * and hands the rest back. Returned paused: `start()` begins consuming.
 */
export const createAdviceWorker = (deps: AdviceWorkerDeps) => {
  const running = new Map<string, Running>();
  /**
   * A question asked while an earlier one of its conversation is still answered goes back to the
   * queue, delayed: the answer that ends first promotes it at once (the store's `nextTurn`); the
   * delay only bounds how late it looks again if that promotion was lost (a crash in between).
   */
  const waitForTurn = async (job: Job<ChatJob>, token: string | undefined): Promise<never> => {
    await job.moveToDelayed(Date.now() + deps.turnPollMs, token);
    throw new DelayedError();
  };

  const processor = async (job: Job<ChatJob>, token?: string): Promise<Outcome> => {
    const parsed = ChatJob.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'malformed chat job dropped');
      throw new Error('malformed chat job');
    }
    const signals: Running = { cancel: new AbortController(), handoff: new AbortController() };
    running.set(parsed.data.messageId, signals);
    try {
      const outcome = await runGeneration(parsed.data, deps, signals.cancel.signal, signals.handoff.signal);
      if (outcome === 'waiting') return await waitForTurn(job, token);
      return outcome === 'handed_off' ? await handedOff() : outcome;
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      deps.logger.error({ err, messageId: parsed.data.messageId }, 'generation crashed');
      throw err;
    } finally {
      running.delete(parsed.data.messageId);
    }
  };
  const worker = createChatWorker(deps.blocking, deps.keys, processor, {
    concurrency: deps.concurrency,
    lockDurationMs: deps.lock.durationMs,
    stalledIntervalMs: deps.lock.stalledIntervalMs,
  });
  worker.on('error', (err) => deps.logger.warn({ err }, 'worker error'));

  return {
    worker,
    async start() {
      await listenForCancels(deps.subscriber, deps.keys, deps.logger, (messageId) => running.get(messageId)?.cancel.abort());
      void worker.run();
    },
    runningCount: () => running.size,
    /**
     * Takes no new jobs, lets running generations finish for up to `drainMs`, then hands the
     * rest to other workers (BullMQ's stall recovery; the next worker announces the restart).
     */
    async stop(drainMs: number) {
      await worker.pause(true);
      const until = Date.now() + drainMs;
      while (running.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (running.size > 0) deps.logger.warn({ handedOff: running.size }, 'handing running generations to other workers');
      for (const r of running.values()) r.handoff.abort();
      await worker.close(true);
    },
  };
};
