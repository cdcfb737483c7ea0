import { Queue, Worker, type Job, type Processor } from 'bullmq';
import { ReminderJob, type ReminderJobInput } from '@aurawell/protocol';
import type { ReminderSchedule } from '@aurawell/db';
import type { Keys, RedisClient } from '@aurawell/platform';

export type ReminderQueue = Queue<ReminderJobInput>;

/** Unread reminders are pushed to a device when it connects for this long after they came due. */
export const UNREAD_ON_CONNECT_MS = 7 * 24 * 3600 * 1000;

export type ScheduledReminder = { id: string; revision: number; schedule: ReminderSchedule; enabled: boolean };

/**
 * Occurrences retry (delivery is idempotent: one row per occurrence, at most once per device), and
 * finished ones are kept a while for inspection.
 */
export const createReminderQueue = (connection: RedisClient, keys: Keys): ReminderQueue =>
  new Queue<ReminderJobInput>(keys.reminderQueue, {
    connection,
    prefix: keys.queuePrefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 10000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
    },
  });

/** BullMQ ids of a reminder's jobs: its scheduler (repeating) and the job of one revision (one-time). */
export const reminderSchedulerId = (reminderId: string) => `reminder-${reminderId}`;
export const reminderOnceJobId = (reminderId: string, revision: number) => `once-${reminderId}-r${revision}`;

/**
 * Puts a reminder's current revision on the queue: a job scheduler for a repeating one (BullMQ
 * makes exactly one job per occurrence, however many workers run), a delayed job for a one-time
 * one. What an earlier revision scheduled is removed first; a job of it that escapes removal finds
 * a newer revision when it runs and does nothing.
 */
export const scheduleReminder = async (queue: ReminderQueue, r: ScheduledReminder, previousRevision?: number): Promise<void> => {
  await unscheduleReminder(queue, r.id, previousRevision);
  if (!r.enabled) return;
  const data: ReminderJobInput = { v: 1, reminderId: r.id, revision: r.revision, dueAt: null };
  if (r.schedule.type === 'cron') {
    await queue.upsertJobScheduler(reminderSchedulerId(r.id), { pattern: r.schedule.cron, tz: r.schedule.timezone }, { name: 'reminder', data });
    return;
  }
  const dueAt = r.schedule.runAt.getTime();
  await queue.add('reminder', { ...data, dueAt }, { jobId: reminderOnceJobId(r.id, r.revision), delay: Math.max(0, dueAt - Date.now()) });
};

/** Removes whatever a reminder has on the queue (its scheduler, and the one-time job of `revision`). */
export const unscheduleReminder = async (queue: ReminderQueue, reminderId: string, revision?: number): Promise<void> => {
  await queue.removeJobScheduler(reminderSchedulerId(reminderId));
  if (revision !== undefined) await queue.remove(reminderOnceJobId(reminderId, revision));
};

/** When the occurrence a reminder job stands for came due (ms epoch). */
export const occurrenceOf = (job: Job<ReminderJob>): number => {
  if (job.data.dueAt !== null) return job.data.dueAt;
  // Scheduler jobs carry the occurrence they were made for (their id is repeat:<scheduler>:<millis>).
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  return typeof prev === 'number' ? prev : job.timestamp + (job.opts.delay ?? 0);
};

/** The consumer side, paused until `run()`. */
export const createReminderWorker = (
  connection: RedisClient,
  keys: Keys,
  processor: Processor<ReminderJob>,
  opts: { concurrency: number },
): Worker<ReminderJob> =>
  new Worker<ReminderJob>(keys.reminderQueue, (job, token) => processor(Object.assign(job, { data: ReminderJob.parse(job.data) }), token), {
    connection,
    prefix: keys.queuePrefix,
    concurrency: opts.concurrency,
    autorun: false,
  });
