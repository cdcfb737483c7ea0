import { z } from 'zod';
import { GenerationStatus, nowIso } from './status';

// Phase V frames: reminders pushed to every device, and one user's devices kept in sync. They
// carry no `seq` (they are not part of a generation); clients that predate them ignore them.

const timestamp = z.string().describe('ISO 8601 time the server created the frame');

/** A reminder that came due, sent once to each device of the person it reminds. */
export const ReminderFrame = z.object({
  type: z.literal('reminder'),
  delivery_id: z.string().describe('this occurrence of the reminder; acknowledge it by this id'),
  reminder_id: z.string(),
  user_id: z.string().describe('the person it reminds'),
  title: z.string(),
  message: z.string().describe('the text to show (phrased by the language model when `smart`)'),
  smart: z.boolean().describe('true when the language model phrased `message` from recent data'),
  due_at: z.string().describe('ISO 8601 time this occurrence came due'),
  goal_id: z.string().nullable(),
  plan_id: z.string().nullable(),
  on_connect: z.boolean().describe('sent when the device connected, not when it came due (it was offline or had not seen it)'),
  timestamp,
});

/** Deliveries marked read (by an `acknowledge` from any device, or the REST api): hide them everywhere. */
export const RemindersReadFrame = z.object({
  type: z.literal('reminders_read'),
  delivery_ids: z.array(z.string()),
  timestamp,
});

/** The user's own message, sent from one device, shown on the user's other devices before the answer. */
export const UserMessageFrame = z.object({
  type: z.literal('user_message'),
  message_id: z.string().describe('the generation that answers it (its frames follow with this id)'),
  conversation_id: z.string(),
  kind: z.enum(['health', 'general']),
  message: z.string(),
  active_member_id: z.string().nullable().describe('the family member the question is about; null = the user'),
  origin_connection_id: z.string().nullable().describe('the connection that sent it (not echoed to it); null = the REST api'),
  timestamp,
});

export const SyncTurn = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  message_id: z.string().nullable().describe('the generation the turn belongs to'),
  status: z.enum(['complete', 'cancelled', 'error']),
  created_at: z.string(),
});

/** What a device that comes online missed: recent conversations' last turns, generations still running. */
export const SyncFrame = z.object({
  type: z.literal('sync'),
  conversations: z.array(
    z.object({
      conversation_id: z.string(),
      title: z.string().nullable(),
      updated_at: z.string(),
      turns: z.array(SyncTurn).describe('the last turns, oldest first'),
    }),
  ),
  running: z
    .array(
      z.object({
        message_id: z.string(),
        conversation_id: z.string(),
        status: GenerationStatus,
        seq: z.number().int(),
        message: z.string().nullish().describe('the question being answered (absent or null from servers before this field)'),
      }),
    )
    .describe('generations still running: `resume` each from `last_seq: 0` to catch up'),
  unread_reminders: z.number().int().describe('unread reminder deliveries (the REST api lists them)'),
  request_id: z.string().optional().describe('the `request_id` of the `sync` request'),
  timestamp,
});

export type ReminderFrame = z.infer<typeof ReminderFrame>;
export type RemindersReadFrame = z.infer<typeof RemindersReadFrame>;
export type UserMessageFrame = z.infer<typeof UserMessageFrame>;
export type SyncFrame = z.infer<typeof SyncFrame>;
export type SyncTurn = z.infer<typeof SyncTurn>;

/** Frames published on a user's channel outside any generation (no `seq`). */
export const userEventTypes = ['reminder', 'reminders_read', 'user_message', 'voice_transcript'] as const;
export type UserEventType = (typeof userEventTypes)[number];

/** What a reminder frame is made of (a stored delivery and its reminder's links). */
export type ReminderOccurrence = {
  id: string;
  reminderId: string;
  userId: string;
  title: string;
  message: string;
  smart: boolean;
  dueAt: Date;
  goalId: string | null;
  planId: string | null;
};

export const reminderFrame = (d: ReminderOccurrence, onConnect: boolean): ReminderFrame => ({
  type: 'reminder',
  delivery_id: d.id,
  reminder_id: d.reminderId,
  user_id: d.userId,
  title: d.title,
  message: d.message,
  smart: d.smart,
  due_at: d.dueAt.toISOString(),
  goal_id: d.goalId,
  plan_id: d.planId,
  on_connect: onConnect,
  timestamp: nowIso(),
});
