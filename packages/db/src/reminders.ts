import { randomUUID } from 'node:crypto';
import { isUuid, type Queryable } from './pool';

/** When a reminder fires: once at a time, or on a cron pattern in a time zone. */
export type ReminderSchedule = { type: 'once'; runAt: Date } | { type: 'cron'; cron: string; timezone: string };

export type Reminder = {
  id: string;
  userId: string;
  createdBy: string;
  title: string;
  message: string;
  schedule: ReminderSchedule;
  goalId: string | null;
  planId: string | null;
  smart: boolean;
  enabled: boolean;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
};

export type ReminderFields = Pick<Reminder, 'title' | 'message' | 'schedule' | 'goalId' | 'planId' | 'smart' | 'enabled'>;

type ReminderRow = {
  id: string;
  user_id: string;
  created_by: string;
  title: string;
  message: string;
  schedule_type: 'once' | 'cron';
  run_at: Date | null;
  cron: string | null;
  timezone: string;
  goal_id: string | null;
  plan_id: string | null;
  smart: boolean;
  enabled: boolean;
  revision: number;
  created_at: Date;
  updated_at: Date;
};

const toReminder = (r: ReminderRow): Reminder => ({
  id: r.id,
  userId: r.user_id,
  createdBy: r.created_by,
  title: r.title,
  message: r.message,
  schedule: r.schedule_type === 'once' ? { type: 'once', runAt: r.run_at as Date } : { type: 'cron', cron: r.cron as string, timezone: r.timezone },
  goalId: r.goal_id,
  planId: r.plan_id,
  smart: r.smart,
  enabled: r.enabled,
  revision: r.revision,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The schedule as columns: type, run_at, cron, timezone. */
const scheduleColumns = (s: ReminderSchedule) =>
  s.type === 'once' ? ['once', s.runAt, null, 'Asia/Shanghai'] : ['cron', null, s.cron, s.timezone];


export const createReminder = async (db: Queryable, userId: string, createdBy: string, f: ReminderFields): Promise<Reminder> => {
  const { rows } = await db.query<ReminderRow>(
    `INSERT INTO reminders (id, user_id, created_by, title, message, schedule_type, run_at, cron, timezone, goal_id, plan_id, smart, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [randomUUID(), userId, createdBy, f.title, f.message, ...scheduleColumns(f.schedule), f.goalId, f.planId, f.smart, f.enabled],
  );
  return toReminder(rows[0] as ReminderRow);
};

/** `FOR UPDATE` inside a transaction, so concurrent edits of one reminder take turns. */
export const getReminder = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<Reminder | null> => {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<ReminderRow>(`SELECT * FROM reminders WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toReminder(rows[0]) : null;
};

/** The reminders of one person, oldest first. */
export const listReminders = async (db: Queryable, userId: string): Promise<Reminder[]> => {
  const { rows } = await db.query<ReminderRow>('SELECT * FROM reminders WHERE user_id = $1 ORDER BY created_at, id', [userId]);
  return rows.map(toReminder);
};

/** Replaces the editable fields and bumps the revision. */
export const updateReminder = async (db: Queryable, id: string, f: ReminderFields): Promise<Reminder | null> => {
  const { rows } = await db.query<ReminderRow>(
    `UPDATE reminders SET title = $2, message = $3, schedule_type = $4, run_at = $5, cron = $6, timezone = $7,
       goal_id = $8, plan_id = $9, smart = $10, enabled = $11, revision = revision + 1, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, f.title, f.message, ...scheduleColumns(f.schedule), f.goalId, f.planId, f.smart, f.enabled],
  );
  return rows[0] ? toReminder(rows[0]) : null;
};

export const deleteReminder = async (db: Queryable, id: string): Promise<boolean> => {
  if (!isUuid(id)) return false;
  const { rowCount } = await db.query('DELETE FROM reminders WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
};

/** Does `goalId` / `planId` belong to `userId`? (Either goal table: profile goals or health goals.) */
export const ownsGoal = async (db: Queryable, userId: string, goalId: string): Promise<boolean> => {
  const { rowCount } = await db.query(
    `SELECT 1 FROM user_health_goals WHERE id = $1 AND user_id = $2
     UNION ALL SELECT 1 FROM health_goals WHERE id = $1 AND user_id = $2 LIMIT 1`,
    [goalId, userId],
  );
  return (rowCount ?? 0) > 0;
};

export const ownsPlan = async (db: Queryable, userId: string, planId: string): Promise<boolean> => {
  const { rowCount } = await db.query('SELECT 1 FROM health_plans WHERE id = $1 AND user_id = $2', [planId, userId]);
  return (rowCount ?? 0) > 0;
};

/** Enabled reminders in id order, a page at a time (for re-scheduling them all). */
export const enabledReminders = async (db: Queryable, afterId: string | null, limit: number): Promise<Reminder[]> => {
  const { rows } = await db.query<ReminderRow>(
    'SELECT * FROM reminders WHERE enabled AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map(toReminder);
};
