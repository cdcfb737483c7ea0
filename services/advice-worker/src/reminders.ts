import type { Job } from 'bullmq';
import { findDelivery, getReminder, recordDelivery, type Pool } from '@aurawell/db';
import { reminderFrame, type ReminderJob } from '@aurawell/protocol';
import { type Keys, type Logger, type RedisClient } from '@aurawell/platform';
import { publishUserEvent } from '@aurawell/generation';
import { createReminderWorker, occurrenceOf, UNREAD_ON_CONNECT_MS, unscheduleReminder, type ReminderQueue } from '@aurawell/reminders';
import { reconcileReminders } from './reminder-reconcile';
import { reminderText, type ReminderTextDeps } from './reminder-text';

export type ReminderOutcome = 'delivered' | 'republished' | 'stale' | 'gone';

export type ReminderDeps = {
  db: Pool;
  redis: RedisClient;
  keys: Keys;
  queue: ReminderQueue;
  logger: Logger;
  text: ReminderTextDeps;
  onOutcome?: (outcome: ReminderOutcome) => void;
};

/**
 * One occurrence of a reminder. The row (unique per reminder and time) makes it happen once
 * however many workers run or retries happen; it is published to every device of the person on
 * each attempt, and the gateways send it at most once per device. A job for a deleted reminder
 * removes its scheduler; one of an older revision (edited since) or a disabled reminder does nothing.
 */
export const processReminder = async (job: Job<ReminderJob>, deps: ReminderDeps): Promise<ReminderOutcome> => {
  const { reminderId, revision } = job.data;
  const reminder = await getReminder(deps.db, reminderId);
  if (!reminder) {
    await unscheduleReminder(deps.queue, reminderId);
    return 'gone';
  }
  if (reminder.revision !== revision || !reminder.enabled) return 'stale';
  const dueAt = new Date(occurrenceOf(job));
  // A retried occurrence keeps the text its first attempt stored (the model is not asked twice).
  const known = await findDelivery(deps.db, reminder.id, dueAt);
  const text = known ? { text: known.message, smart: known.smart } : await reminderText(reminder, deps.text);
  const { delivery, created } = await recordDelivery(deps.db, { reminderId: reminder.id, userId: reminder.userId, dueAt, title: reminder.title, message: text.text, smart: text.smart });
  // Connecting devices look for unread reminders only while this mark lives (as long as they are pushed on connect).
  await deps.redis.set(deps.keys.remindersRecent(reminder.userId), '1', 'PX', UNREAD_ON_CONNECT_MS);
  await publishUserEvent(deps.redis, deps.keys, reminder.userId, reminderFrame(delivery, false));
  deps.logger.info({ reminderId, deliveryId: delivery.id, dueAt: dueAt.toISOString(), smart: delivery.smart }, 'reminder delivered');
  return created ? 'delivered' : 'republished';
};

/** The reminder consumer of this worker process; paused until `start()`. */
export const createReminderConsumer = (blocking: RedisClient, deps: ReminderDeps, concurrency: number) => {
  const worker = createReminderWorker(
    blocking,
    deps.keys,
    async (job) => {
      const outcome = await processReminder(job, deps);
      deps.onOutcome?.(outcome);
      return outcome;
    },
    { concurrency },
  );
  worker.on('error', (err) => deps.logger.warn({ err }, 'reminder worker error'));
  worker.on('failed', (job, err) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err }, 'reminder occurrence failed'));
  return {
    start: () => {
      void worker.run();
      // Whatever the queue lost (Redis without persistence, a failed commit) is put back once.
      reconcileReminders(deps).catch((err: Error) => deps.logger.warn({ err }, 'reminder reconciliation failed'));
    },
    stop: () => worker.close(),
  };
};
