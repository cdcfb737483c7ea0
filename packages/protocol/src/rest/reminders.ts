import { z } from 'zod';
import { MAX_ID_CHARS } from '../fields';
import { isoDateTime } from './dates';
import { envelopeOf } from './envelope';

/** A delivered reminder as `GET /api/v1/reminders/deliveries` lists it. */
export const DeliveryItem = z.object({
  id: z.string(),
  reminder_id: z.string(),
  user_id: z.string(),
  title: z.string(),
  message: z.string(),
  smart: z.boolean(),
  due_at: isoDateTime,
  read_at: isoDateTime.nullable(),
  goal_id: z.string().nullable(),
  plan_id: z.string().nullable(),
});
export const DeliveriesResponse = envelopeOf(z.object({ deliveries: z.array(DeliveryItem), unread_count: z.int() }));

/** `POST /api/v1/reminders/deliveries/acknowledge`: the `acknowledge` frame over REST. */
export const AcknowledgeRequest = z.object({ delivery_ids: z.array(z.string().min(1).max(MAX_ID_CHARS)).min(1).max(100) });
export const AcknowledgeResponse = envelopeOf(z.object({ delivery_ids: z.array(z.string()).describe('the ones that were unread until now') }));

export type DeliveryItem = z.infer<typeof DeliveryItem>;
export type DeliveriesResponse = z.infer<typeof DeliveriesResponse>;
export type AcknowledgeRequest = z.infer<typeof AcknowledgeRequest>;
export type AcknowledgeResponse = z.infer<typeof AcknowledgeResponse>;
