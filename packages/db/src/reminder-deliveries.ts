import { randomUUID } from 'node:crypto';
import { isUuid, type Queryable } from './pool';

export type ReminderDelivery = {
  id: string;
  reminderId: string;
  userId: string;
  dueAt: Date;
  title: string;
  message: string;
  smart: boolean;
  createdAt: Date;
  readAt: Date | null;
  goalId: string | null;
  planId: string | null;
};

type DeliveryRow = {
  id: string;
  reminder_id: string;
  user_id: string;
  due_at: Date;
  title: string;
  message: string;
  smart: boolean;
  created_at: Date;
  read_at: Date | null;
  goal_id: string | null;
  plan_id: string | null;
};

const toDelivery = (r: DeliveryRow): ReminderDelivery => ({
  id: r.id,
  reminderId: r.reminder_id,
  userId: r.user_id,
  dueAt: r.due_at,
  title: r.title,
  message: r.message,
  smart: r.smart,
  createdAt: r.created_at,
  readAt: r.read_at,
  goalId: r.goal_id,
  planId: r.plan_id,
});

const WITH_LINKS = `SELECT d.*, r.goal_id, r.plan_id FROM reminder_deliveries d JOIN reminders r ON r.id = d.reminder_id`;

export type NewDelivery = { reminderId: string; userId: string; dueAt: Date; title: string; message: string; smart: boolean };

/**
 * Records one occurrence, once: a second call for the same reminder and time (another worker, a
 * retried job) gets the row the first one wrote, text included.
 */
export const recordDelivery = async (db: Queryable, d: NewDelivery): Promise<{ delivery: ReminderDelivery; created: boolean }> => {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO reminder_deliveries (id, reminder_id, user_id, due_at, title, message, smart)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reminder_id, due_at) DO NOTHING RETURNING id`,
    [randomUUID(), d.reminderId, d.userId, d.dueAt, d.title, d.message, d.smart],
  );
  const { rows } = await db.query<DeliveryRow>(`${WITH_LINKS} WHERE d.reminder_id = $1 AND d.due_at = $2`, [d.reminderId, d.dueAt]);
  return { delivery: toDelivery(rows[0] as DeliveryRow), created: (inserted.rowCount ?? 0) > 0 };
};

/** Has this occurrence been recorded already (so its text need not be phrased again)? */
export const findDelivery = async (db: Queryable, reminderId: string, dueAt: Date): Promise<ReminderDelivery | null> => {
  const { rows } = await db.query<DeliveryRow>(`${WITH_LINKS} WHERE d.reminder_id = $1 AND d.due_at = $2`, [reminderId, dueAt]);
  return rows[0] ? toDelivery(rows[0]) : null;
};

/** A user's deliveries, newest first; unread only when asked. */
export const listDeliveries = async (db: Queryable, userId: string, opts: { unreadOnly: boolean; limit: number }): Promise<ReminderDelivery[]> => {
  const { rows } = await db.query<DeliveryRow>(
    `${WITH_LINKS} WHERE d.user_id = $1 AND ($2::boolean = false OR d.read_at IS NULL) ORDER BY d.due_at DESC, d.id LIMIT $3`,
    [userId, opts.unreadOnly, opts.limit],
  );
  return rows.map(toDelivery);
};

export const countUnread = async (db: Queryable, userId: string): Promise<number> => {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM reminder_deliveries WHERE user_id = $1 AND read_at IS NULL', [userId]);
  return Number(rows[0]?.n ?? 0);
};


/** Marks the user's deliveries read; returns the ids that were unread until now (others are ignored). */
export const markDeliveriesRead = async (db: Queryable, userId: string, ids: readonly string[]): Promise<string[]> => {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `UPDATE reminder_deliveries SET read_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
    [userId, valid],
  );
  return rows.map((r) => r.id);
};
