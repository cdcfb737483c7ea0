import { enabledReminders, findDelivery, type Queryable, type Reminder } from '@aurawell/db';
import { type Keys, type Logger, type RedisClient } from '@aurawell/platform';
import { reminderOnceJobId, reminderSchedulerId, scheduleReminder, type ReminderQueue } from '@aurawell/reminders';

const PAGE = 500;
/** One worker of the fleet reconciles at a time; the lock outlives a slow run's page or two. */
const LOCK_MS = 5 * 60 * 1000;

/** Does the queue still hold what this reminder's current revision needs? */
const isScheduled = async (queue: ReminderQueue, db: Queryable, r: Reminder): Promise<boolean> => {
  if (r.schedule.type === 'cron') return (await queue.getJobScheduler(reminderSchedulerId(r.id))) !== undefined;
  if (await findDelivery(db, r.id, r.schedule.runAt)) return true; // already delivered
  return (await queue.getJob(reminderOnceJobId(r.id, r.revision))) !== undefined;
};

/**
 * Puts back on the queue any enabled reminder whose jobs are missing, e.g. after Redis lost its data
 * or a commit failed after scheduling. Runs once at worker start, under a lock so one worker of the
 * fleet does it. A one-time reminder whose time passed unnoticed fires at once (late, not lost).
 * Returns how many it re-scheduled, or null when another worker holds the lock.
 */
export const reconcileReminders = async (deps: { db: Queryable; redis: RedisClient; keys: Keys; queue: ReminderQueue; logger: Logger }): Promise<number | null> => {
  const lock = deps.keys.remindersReconcileLock;
  if ((await deps.redis.set(lock, String(process.pid), 'PX', LOCK_MS, 'NX')) !== 'OK') return null;
  let repaired = 0;
  try {
    let after: string | null = null;
    for (;;) {
      const page = await enabledReminders(deps.db, after, PAGE);
      for (const r of page) {
        if (await isScheduled(deps.queue, deps.db, r)) continue;
        await scheduleReminder(deps.queue, r);
        repaired += 1;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
    }
  } finally {
    await deps.redis.del(lock);
  }
  if (repaired > 0) deps.logger.warn({ repaired }, 'reminders were missing from the queue and were scheduled again');
  return repaired;
};
