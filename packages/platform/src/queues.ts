import { Queue, Worker, type Job, type Processor } from 'bullmq';
import type { RedisClient } from './redis';
import { ChatJob, type ChatJobInput } from '@aurawell/protocol';
import type { Keys } from './keys';

export type ChatQueue = Queue<ChatJobInput>;

/**
 * The chat queue, for producers (gateway, api). One job per generation, id = message id, so a
 * retried enqueue cannot start a generation twice while it is queued or running (and once it
 * ended, the generation store's claim skips it). BullMQ does not retry a failed job: a retry
 * after tokens reached the user would repeat text; provider retries happen inside the worker.
 * A completed job is deleted at once: the answer lives in the generation store and PostgreSQL,
 * and keeping jobs by age cost every completion a trim of the completed set (issue 16).
 */
export const createChatQueue = (connection: RedisClient, keys: Keys): ChatQueue =>
  new Queue<ChatJobInput>(keys.chatQueue, {
    connection,
    prefix: keys.queuePrefix,
    defaultJobOptions: {
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600, count: 10000 },
    },
  });

export const enqueueChat = (queue: ChatQueue, job: ChatJobInput): Promise<Job<ChatJobInput>> =>
  queue.add('chat', ChatJob.parse(job), { jobId: job.messageId });

/**
 * Lets a chat job that waits for the earlier answer of its conversation run now (it sits in the
 * queue delayed; a job in any other state is left alone).
 */
export const promoteChatJob = async (queue: ChatQueue, messageId: string): Promise<void> => {
  const job = await queue.getJob(messageId);
  if (job && (await job.isDelayed())) await job.promote();
};

/** The consumer side. Starts paused (`autorun: false`); call `run()` once the process is ready. */
export const createChatWorker = (
  connection: RedisClient,
  keys: Keys,
  processor: Processor<ChatJob>,
  opts: { concurrency: number; lockDurationMs?: number; stalledIntervalMs?: number },
): Worker<ChatJob> =>
  new Worker<ChatJob>(keys.chatQueue, processor, {
    connection,
    prefix: keys.queuePrefix,
    concurrency: opts.concurrency,
    autorun: false,
    // A worker that dies (or is drained) stops renewing the lock; another takes the job over.
    lockDuration: opts.lockDurationMs ?? 30000,
    stalledInterval: opts.stalledIntervalMs ?? 15000,
    // One takeover for a deploy's hand-off plus one for a crash; past that the reaper ends it.
    maxStalledCount: 2,
  });
