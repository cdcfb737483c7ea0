import { z } from 'zod';

/**
 * Which system prompt a generation uses: the health assistant (personalised), the general
 * assistant, or a one-off health advice request of the REST api (personalised, no conversation).
 */
export const ChatKind = z.enum(['health', 'general', 'advice']);
export type ChatKind = z.infer<typeof ChatKind>;

/**
 * The BullMQ job payload of one generation, enqueued by the gateway (and later the REST api),
 * consumed by the advice-worker. The job id is `messageId`, so a generation is enqueued at most once.
 */
export const ChatJob = z.object({
  v: z.literal(1),
  messageId: z.string().min(1),
  userId: z.string().min(1),
  kind: ChatKind,
  message: z.string(),
  context: z.record(z.string(), z.unknown()).nullable(),
  conversationId: z.string().min(1),
  /** True when the gateway allocated the conversation id and the worker must create it. */
  newConversation: z.boolean(),
  /** The family member whose profile personalises the advice; null = the user themself. */
  activeMemberId: z.string().nullable(),
  requestId: z.string().nullable(),
  acceptedAt: z.number().int().describe('ms epoch when the gateway accepted the chat'),
  /** Extra system instructions (the REST advice routes ask for a given structure). */
  instructions: z.string().nullable().default(null),
  /** Overrides the worker's max_tokens for this generation. */
  maxTokens: z.number().int().positive().nullable().default(null),
  /** Store both turns in the conversation (false for one-off advice, which has no conversation). */
  persist: z.boolean().default(true),
  /** Speak the answer too: `chat_audio` frames, sentence by sentence, beside the text. */
  speak: z.boolean().default(false),
});
/** The job as the worker reads it. */
export type ChatJob = z.infer<typeof ChatJob>;
/** The job as a producer writes it (fields with defaults may be left out). */
export type ChatJobInput = z.input<typeof ChatJob>;

/**
 * One occurrence of a reminder, created by BullMQ (a job scheduler for repeating reminders, a
 * delayed job for one-time ones). `revision` is the reminder's revision when it was scheduled: a
 * job of an older revision (the reminder was edited since) does nothing.
 */
export const ReminderJob = z.object({
  v: z.literal(1),
  reminderId: z.string().min(1),
  revision: z.number().int().positive(),
  /** The occurrence time of a one-time reminder (ms epoch); repeating ones take it from the scheduler. */
  dueAt: z.number().int().nullable().default(null),
});
export type ReminderJob = z.infer<typeof ReminderJob>;
export type ReminderJobInput = z.input<typeof ReminderJob>;
