import type { ChatStreamFrame, ConnectionEstablishedFrame, ErrorFrame, PongFrame, ReasoningStreamFrame, ServerFrame, StatusUpdateFrame } from '@aurawell/protocol';
import type { Generation } from './generation';

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
  /** A generation this client started. */
  generation: Generation;
};

export type ChatOptions = {
  context?: Record<string, unknown>;
  conversationId?: string;
  activeMemberId?: string;
  requestId?: string;
};
