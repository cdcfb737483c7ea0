import { z } from 'zod';

/** Limits that are part of the contract (the gateway may configure some of them lower). */
export const MAX_MESSAGE_CHARS = 2000;
export const MAX_CONTEXT_JSON_CHARS = 8000;
const MAX_ID_CHARS = 128;

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** The user's text: kept verbatim (never trimmed), but it must contain something besides whitespace. */
export const messageText = z
  .string()
  .refine((s) => s.trim().length > 0, { message: 'message must not be empty' })
  .refine((s) => codePoints(s) <= MAX_MESSAGE_CHARS, {
    message: `message must be at most ${MAX_MESSAGE_CHARS} characters`,
  });

const id = z.string().min(1).max(MAX_ID_CHARS);

/** Length of the value as JSON; Infinity when it cannot be serialised (nested too deep for the stack). */
const jsonLength = (v: unknown): number => {
  try {
    return JSON.stringify(v).length;
  } catch {
    return Infinity;
  }
};

const chatContext = z
  .record(z.string(), z.unknown())
  .refine((c) => jsonLength(c) <= MAX_CONTEXT_JSON_CHARS, {
    message: `context must be at most ${MAX_CONTEXT_JSON_CHARS} characters of JSON`,
  });

/** Fields any client frame may carry beside `type` and `data`. */
const envelope = {
  conversation_id: id.optional(),
  active_member_id: id.optional(),
  request_id: z.string().max(MAX_ID_CHARS).optional(),
};

const chatData = z.object({ message: messageText, context: chatContext.optional() });

export const HealthChatFrame = z.object({ type: z.literal('health_chat'), data: chatData, ...envelope });
export const GeneralChatFrame = z.object({ type: z.literal('general_chat'), data: chatData, ...envelope });
export const SwitchMemberFrame = z.object({
  type: z.literal('switch_member'),
  data: z.object({ target_member_id: id }),
  ...envelope,
});
export const GetStatusFrame = z.object({ type: z.literal('get_status'), data: z.object({}).optional(), ...envelope });
export const PingFrame = z.object({ type: z.literal('ping'), data: z.object({}).optional(), ...envelope });
export const CancelFrame = z.object({
  type: z.literal('cancel'),
  data: z.object({ message_id: id }),
  ...envelope,
});
export const ResumeFrame = z.object({
  type: z.literal('resume'),
  data: z.object({ message_id: id, last_seq: z.number().int().min(0) }),
  ...envelope,
});

/** Marks delivered reminders read on every device of the user (Phase V). */
export const AcknowledgeFrame = z.object({
  type: z.literal('acknowledge'),
  data: z.object({ delivery_ids: z.array(id).min(1).max(100) }),
  ...envelope,
});

/** Asks what happened while this device was away (answered by a `sync` frame). */
export const SyncRequestFrame = z.object({
  type: z.literal('sync'),
  data: z
    .object({ since: z.iso.datetime({ offset: true }).optional().describe('only turns after this time (the last sync); all recent ones when absent') })
    .optional(),
  ...envelope,
});

export const ClientFrame = z.discriminatedUnion('type', [
  HealthChatFrame,
  GeneralChatFrame,
  SwitchMemberFrame,
  GetStatusFrame,
  PingFrame,
  CancelFrame,
  ResumeFrame,
  AcknowledgeFrame,
  SyncRequestFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
export type ChatFrame = z.infer<typeof HealthChatFrame> | z.infer<typeof GeneralChatFrame>;

export const clientFrameTypes: readonly ClientFrameType[] = ClientFrame.options.map((o) => o.shape.type.value);
