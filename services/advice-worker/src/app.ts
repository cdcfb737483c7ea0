import type { Job } from 'bullmq';
import { ChatJob } from '@aurawell/protocol';
import { createChatWorker, type Keys, type Redis } from '@aurawell/platform';
import { runGeneration, type GenerationDeps, type Outcome } from './generation';

export type AdviceWorkerDeps = GenerationDeps & { blocking: Redis; subscriber: Redis; keys: Keys; concurrency: number };

/**
 * The advice worker: consumes chat jobs and runs each generation; stops a running generation
 * when any gateway relays a user's `cancel`. Returned paused: `start()` begins consuming.
 */
export const createAdviceWorker = (deps: AdviceWorkerDeps) => {
  const running = new Map<string, AbortController>();
  deps.subscriber.on('message', (channel: string, message: string) => {
    if (channel !== deps.keys.cancelChannel) return;
    try {
      const { messageId } = JSON.parse(message) as { messageId?: string };
      if (messageId) running.get(messageId)?.abort();
    } catch {
      deps.logger.warn('malformed cancel message ignored');
    }
  });

  const processor = async (job: Job<ChatJob>): Promise<Outcome> => {
    const parsed = ChatJob.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'malformed chat job dropped');
      throw new Error('malformed chat job');
    }
    const cancel = new AbortController();
    running.set(parsed.data.messageId, cancel);
    try {
      return await runGeneration(parsed.data, deps, cancel.signal);
    } catch (err) {
      deps.logger.error({ err, messageId: parsed.data.messageId }, 'generation crashed');
      throw err;
    } finally {
      running.delete(parsed.data.messageId);
    }
  };
  const worker = createChatWorker(deps.blocking, deps.keys, processor, { concurrency: deps.concurrency });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'worker error'));
  return {
    worker,
    async start() {
      await deps.subscriber.subscribe(deps.keys.cancelChannel);
      void worker.run();
    },
    runningCount: () => running.size,
  };
};
