import { countUnread, listDeliveries, listReminders, markDeliveriesRead, type Pool, type ReminderDelivery } from '@aurawell/db';
import { type Keys, type Logger, type RedisClient, type TokenService } from '@aurawell/platform';
import { announceRemindersRead } from '@aurawell/generation';
import { type ReminderQueue } from '@aurawell/reminders';
import { AcknowledgeRequest, AcknowledgeResponse, DeliveriesResponse, envelopeOf, type DeliveryItem } from '@aurawell/protocol';
import type { Response } from 'express';
import { z } from 'zod';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { createOne, deleteOne, replaceOne, requireMember, toFields, toReminderOut, visibleReminder } from './handlers';
import { createReminderBody, DeliveriesQuery, ListQuery, reminderBody, ReminderIdParams, ReminderOut, type ReminderBody } from './schemas';
import { routeFault } from '../http/route-fault';

export type RemindersRouteDeps = {
  pool: Pool;
  redis: RedisClient;
  keys: Keys;
  tokens: TokenService;
  logger: Logger;
  reminders: ReminderQueue;
  config: { REMINDER_MIN_INTERVAL_SECONDS: number };
};

const BASE = '/api/v1/reminders';
const ONE = `${BASE}/{reminder_id}`;

const toDeliveryOut = (d: ReminderDelivery): DeliveryItem => ({
  id: d.id,
  reminder_id: d.reminderId,
  user_id: d.userId,
  title: d.title,
  message: d.message,
  smart: d.smart,
  due_at: d.dueAt.toISOString(),
  read_at: d.readAt ? d.readAt.toISOString() : null,
  goal_id: d.goalId,
  plan_id: d.planId,
});

const deliveryRoutes = (deps: RemindersRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: `${BASE}/deliveries`,
    summary: "The caller's delivered reminders, newest first (unread only on request)",
    tag: 'reminders',
    auth: true,
    query: DeliveriesQuery,
    response: DeliveriesResponse,
    errors: [500],
    handle: async ({ res, userId, query }) => {
      const fault = routeFault(deps.logger, 'Failed to retrieve reminders', { userId });
      const [deliveries, unread] = await Promise.all([listDeliveries(deps.pool, userId, { unreadOnly: query.unread_only, limit: query.limit }), countUnread(deps.pool, userId)]).catch(fault);
      sendSuccess(res, 'Reminder deliveries retrieved', { deliveries: deliveries.map(toDeliveryOut), unread_count: unread });
    },
  }),
  endpoint(deps.tokens, {
    method: 'post',
    path: `${BASE}/deliveries/acknowledge`,
    summary: 'Mark delivered reminders read on every device (the `acknowledge` frame over REST)',
    tag: 'reminders',
    auth: true,
    body: AcknowledgeRequest,
    response: AcknowledgeResponse,
    errors: [500],
    handle: async ({ res, userId, body }) => {
      const read = await markDeliveriesRead(deps.pool, userId, body.delivery_ids).catch(routeFault(deps.logger, 'Failed to acknowledge reminders', { userId }));
      await announceRemindersRead(deps.redis, deps.keys, deps.logger, userId, read);
      sendSuccess(res, 'Reminders marked read', { delivery_ids: read });
    },
  }),
];

/** Listing and creating the reminders of the caller or of a family member. */
const collectionRoutes = (deps: RemindersRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: BASE,
    summary: "Reminders of the caller, or of a family member (`member_id`) the caller may act for",
    tag: 'reminders',
    auth: true,
    query: ListQuery,
    response: envelopeOf(z.object({ reminders: z.array(ReminderOut), total_count: z.int() })),
    errors: [403, 500],
    handle: async ({ res, userId, query }) => {
      const memberId = query.member_id ?? userId;
      await requireMember(deps.pool, userId, memberId, 'view');
      const list = await listReminders(deps.pool, memberId).catch(routeFault(deps.logger, 'Failed to retrieve reminders', { userId }));
      sendSuccess(res, 'Reminders retrieved', { reminders: list.map(toReminderOut), total_count: list.length });
    },
  }),
  endpoint(deps.tokens, {
    method: 'post',
    path: BASE,
    summary: 'Create a reminder (one time, or repeating on a cron pattern in a time zone), scheduled at once',
    tag: 'reminders',
    auth: true,
    body: createReminderBody(deps.config.REMINDER_MIN_INTERVAL_SECONDS),
    response: envelopeOf(ReminderOut),
    errors: [403, 404, 503],
    handle: async ({ res, userId, body }) => {
      const r = await createOne(deps, userId, body.member_id ?? userId, toFields(body));
      deps.logger.info({ userId, reminderId: r.id, schedule: r.schedule.type }, 'reminder created');
      sendSuccess(res, 'Reminder created', toReminderOut(r));
    },
  }),
];

type OneCtx = { res: Response; userId: string; params: { reminder_id: string } };

const replaceHandler = (deps: RemindersRouteDeps) => async ({ res, userId, params, body }: OneCtx & { body: ReminderBody }) => {
  const r = await replaceOne(deps, userId, params.reminder_id, toFields(body));
  deps.logger.info({ userId, reminderId: r.id, revision: r.revision }, 'reminder replaced');
  sendSuccess(res, 'Reminder updated', toReminderOut(r));
};

const deleteHandler = (deps: RemindersRouteDeps) => async ({ res, userId, params }: OneCtx) => {
  await deleteOne(deps, userId, params.reminder_id);
  deps.logger.info({ userId, reminderId: params.reminder_id }, 'reminder deleted');
  sendSuccess(res, 'Reminder deleted', { reminder_id: params.reminder_id });
};

/** One reminder: read, replace, delete. */
const oneReminderRoutes = (deps: RemindersRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: ONE,
    summary: 'One reminder',
    tag: 'reminders',
    auth: true,
    params: ReminderIdParams,
    response: envelopeOf(ReminderOut),
    errors: [404],
    handle: async ({ res, userId, params }) => sendSuccess(res, 'Reminder retrieved', toReminderOut(await visibleReminder(deps.pool, userId, params.reminder_id))),
  }),
  endpoint(deps.tokens, {
    method: 'put',
    path: ONE,
    summary: 'Replace a reminder; its jobs are rescheduled (occurrences of the old version no longer fire)',
    tag: 'reminders',
    auth: true,
    params: ReminderIdParams,
    body: reminderBody(deps.config.REMINDER_MIN_INTERVAL_SECONDS),
    response: envelopeOf(ReminderOut),
    errors: [403, 404, 503],
    handle: replaceHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'delete',
    path: ONE,
    summary: 'Delete a reminder and its jobs; it fires no more',
    tag: 'reminders',
    auth: true,
    params: ReminderIdParams,
    response: envelopeOf(z.object({ reminder_id: z.string() })),
    errors: [403, 404],
    handle: deleteHandler(deps),
  }),
];

/** Phase V reminders: create, list, read, replace, delete; and their deliveries. */
export const reminderRoutes = (deps: RemindersRouteDeps): Endpoint[] => [...deliveryRoutes(deps), ...collectionRoutes(deps), ...oneReminderRoutes(deps)];
