import { z } from 'zod';
import { chatContext, conversationId, MAX_ID_CHARS, messageText, opaqueId, storableText } from './fields';
import { VoiceCancelFrame, VoiceEndFrame, VoiceSettingsFrame, VoiceStartFrame } from './voice-frames';

const id = opaqueId;

/** Fields any client frame may carry beside `type` and `data`. */
const envelope = {
  conversation_id: conversationId.optional(),
  active_member_id: id.optional(),
  request_id: storableText.refine((s) => s.length <= MAX_ID_CHARS, { message: `must be at most ${MAX_ID_CHARS} characters` }).optional(),
};

const chatData = z.object({
  message: messageText,
  context: chatContext.optional(),
  speak: z.boolean().optional().describe("speak the answer too (chat_audio frames); default: the device's voice_settings"),
});

export const HealthChatFrame = z.object({ type: z.literal('health_chat'), data: chatData, ...envelope });
export const GeneralChatFrame = z.object({ type: z.literal('general_chat'), data: chatData, ...envelope });
export const SwitchMemberFrame = z.object({
  type: z.literal('switch_member'),
  data: z.object({ target_member_id: id }),
  ...envelope,
});
export const GetStatusFrame = z.object({ type: z.literal('get_status'), data: z.object({}).optional(), ...envelope });
export const PingFrame = z.object({ type: z.literal('ping'), data: z.object({}).optional(), ...envelope });
/** The original's later clients answered its JSON heartbeat with `{"type":"pong"}`: taken quietly, never answered. */
export const ClientPongFrame = z.object({ type: z.literal('pong'), data: z.object({}).optional(), ...envelope });
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
  ClientPongFrame,
  CancelFrame,
  ResumeFrame,
  AcknowledgeFrame,
  SyncRequestFrame,
  VoiceStartFrame,
  VoiceEndFrame,
  VoiceCancelFrame,
  VoiceSettingsFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
export type ChatFrame = z.infer<typeof HealthChatFrame> | z.infer<typeof GeneralChatFrame>;

export const clientFrameTypes: readonly ClientFrameType[] = ClientFrame.options.map((o) => o.shape.type.value);
