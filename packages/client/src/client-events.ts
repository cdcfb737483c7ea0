import type {
  ChatAudioFrame,
  ChatStreamFrame,
  ConnectionEstablishedFrame,
  ErrorFrame,
  PongFrame,
  ReasoningStreamFrame,
  ReminderFrame,
  RemindersReadFrame,
  ServerFrame,
  StatusUpdateFrame,
  SyncFrame,
  UserMessageFrame,
  VoiceTranscriptFrame,
} from '@aurawell/protocol';
import type { Generation } from './generation';
import type { RemoteGeneration } from './remote';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'fallback' | 'closed';

export type ClientEvents = {
  state: ConnectionState;
  /** The client stopped for good: refused credentials (4001), too many connections (4029), or `close()`. */
  closed: { code: number; reason: string };
  /** Every server frame as received (duplicates included; generations dedupe, these do not). */
  frame: ServerFrame;
  connection_established: ConnectionEstablishedFrame;
  status_update: StatusUpdateFrame;
  chat_stream: ChatStreamFrame;
  reasoning_stream: ReasoningStreamFrame;
  error: ErrorFrame;
  pong: PongFrame;
  /** A reminder came due (or was waiting when this device connected); `acknowledge` it once shown. */
  reminder: ReminderFrame;
  /** Reminders read on some device: hide them here too. */
  reminders_read: RemindersReadFrame;
  /** The user's own message, sent from another device; its answer streams as that generation's frames. */
  user_message: UserMessageFrame;
  /** The answer to `sync()`: recent conversations' last turns, running generations, unread reminder count. */
  sync: SyncFrame;
  /** An utterance's transcript so far (`final: false`) or in full, from this device or another of the user's. */
  voice_transcript: VoiceTranscriptFrame;
  /** A piece of a spoken answer (also on its Generation, in seq order). */
  chat_audio: ChatAudioFrame;
  /** A generation this client started. */
  generation: Generation;
  /**
   * An answer started elsewhere (another device, the REST api), now followed as a Generation with
   * the same exact-text guarantees; listen to it in this handler to see its whole text.
   */
  remote_generation: RemoteGeneration;
};

export type ChatOptions = {
  context?: Record<string, unknown>;
  conversationId?: string;
  activeMemberId?: string;
  requestId?: string;
  /** Speak the answer too (`chat_audio`, the generation's `sentence` events); default: the device's `voiceSettings`. */
  speak?: boolean;
};
