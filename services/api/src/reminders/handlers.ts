import {
  canActForMember,
  createReminder,
  deleteReminder,
  getReminder,
  ownsGoal,
  ownsPlan,
  updateReminder,
  withTransaction,
  type Pool,
  type Queryable,
  type Reminder,
  type ReminderFields,
} from '@aurawell/db';
import { type Logger } from '@aurawell/platform';
import { nextOccurrences, scheduleReminder, unscheduleReminder, type ReminderQueue } from '@aurawell/reminders';
import type { z } from 'zod';
import { HttpError } from '../http/errors';
import type { ReminderBody, ReminderOut } from './schemas';

export type ReminderDeps = { pool: Pool; reminders: ReminderQueue; logger: Logger };

export const toReminderOut = (r: Reminder): z.infer<typeof ReminderOut> => {
  const next = r.enabled ? nextOccurrences(r.schedule, 1)[0] : undefined;
  return {
    id: r.id,
    user_id: r.userId,
    created_by: r.createdBy,
    title: r.title,
    message: r.message,
    schedule: r.schedule.type === 'once' ? { type: 'once', run_at: r.schedule.runAt.toISOString() } : { type: 'cron', cron: r.schedule.cron, timezone: r.schedule.timezone },
    goal_id: r.goalId,
    plan_id: r.planId,
    smart: r.smart,
    enabled: r.enabled,
    next_run_at: next ? next.toISOString() : null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
};

export const toFields = (b: ReminderBody): ReminderFields => ({
  title: b.title,
  message: b.message,
  schedule: b.schedule.type === 'once' ? { type: 'once', runAt: new Date(b.schedule.run_at) } : { type: 'cron', cron: b.schedule.cron, timezone: b.schedule.timezone },
  goalId: b.goal_id,
  planId: b.plan_id,
  smart: b.smart,
  enabled: b.enabled,
});

/**
 * The caller may see (`view_all_data`) or change (`modify_family_data`) the member's reminders:
 * oneself always, others by their role in a family shared with the member (see the README's
 * role × action table); else 403.
 */
export const requireMember = async (db: Queryable, userId: string, memberId: string, access: 'view' | 'modify'): Promise<void> => {
  if (!(await canActForMember(db, userId, memberId))) throw new HttpError(403, 'You may not manage reminders for this family member');
  if (access === 'modify') await requireModify(db, userId, memberId);
};

/** The caller, who may see the member's reminders, may also change them (else 403). */
const requireModify = async (db: Queryable, userId: string, memberId: string): Promise<void> => {
  if (!(await canActForMember(db, userId, memberId, { permission: 'modify_family_data' }))) {
    throw new HttpError(403, 'Your family role does not allow changing reminders of this family member');
  }
};

/** Linked goal and plan must be the reminded person's own. */
const checkLinks = async (db: Queryable, userId: string, f: ReminderFields): Promise<void> => {
  if (f.goalId !== null && !(await ownsGoal(db, userId, f.goalId))) throw new HttpError(404, 'Goal not found');
  if (f.planId !== null && !(await ownsPlan(db, userId, f.planId))) throw new HttpError(404, 'Health plan not found');
};

/** A reminder the caller may see; a missing one and another person's look the same (404). */
export const visibleReminder = async (db: Queryable, userId: string, id: string, forUpdate = false): Promise<Reminder> => {
  const r = await getReminder(db, id, { forUpdate });
  if (!r || !(await canActForMember(db, userId, r.userId))) throw new HttpError(404, 'Reminder not found');
  return r;
};

/** A reminder the caller may change: visible (else 404) and the caller's role allows writes for its person (else 403). */
const editableReminder = async (db: Queryable, userId: string, id: string, forUpdate = false): Promise<Reminder> => {
  const r = await visibleReminder(db, userId, id, forUpdate);
  await requireModify(db, userId, r.userId);
  return r;
};

/**
 * The queue is written inside the database transaction: if it cannot take the schedule, nothing
 * is stored (503); if the commit fails after it, the job finds no matching revision and does nothing.
 */
const scheduled = async <T>(deps: ReminderDeps, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    deps.logger.error({ err }, 'reminder scheduling failed');
    throw new HttpError(503, 'Reminder scheduling is unavailable, please retry');
  }
};

export const createOne = (deps: ReminderDeps, caller: string, memberId: string, f: ReminderFields): Promise<Reminder> =>
  scheduled(deps, () =>
    withTransaction(deps.pool, async (db) => {
      await requireMember(db, caller, memberId, 'modify');
      await checkLinks(db, memberId, f);
      const r = await createReminder(db, memberId, caller, f);
      await scheduleReminder(deps.reminders, r);
      return r;
    }),
  );

export const replaceOne = (deps: ReminderDeps, caller: string, id: string, f: ReminderFields): Promise<Reminder> =>
  scheduled(deps, () =>
    withTransaction(deps.pool, async (db) => {
      const before = await editableReminder(db, caller, id, true);
      await checkLinks(db, before.userId, f);
      const r = (await updateReminder(db, id, f)) as Reminder;
      await scheduleReminder(deps.reminders, r, before.revision);
      return r;
    }),
  );

/** Deleted from the database first: a job that escapes removal finds nothing and stops its scheduler. */
export const deleteOne = async (deps: ReminderDeps, caller: string, id: string): Promise<void> => {
  const r = await editableReminder(deps.pool, caller, id);
  await deleteReminder(deps.pool, r.id);
  await unscheduleReminder(deps.reminders, r.id, r.revision).catch((err: Error) =>
    deps.logger.warn({ err, reminderId: r.id }, 'reminder jobs not removed; the worker drops them when they run'),
  );
};
