import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';

/** A server frame of the protocol subset the benchmark relays speak (same field names as packages/protocol). */
export type RelayFrame = Record<string, unknown> & { type: string };

export type Relay = { client: OpenAI };

/** One `openai` client per relay process, pointed at the simulator (no retries: a benchmark counts failures). */
export const createRelay = (simUrl: string): Relay => ({ client: new OpenAI({ apiKey: 'sim-key', baseURL: simUrl, maxRetries: 0, timeout: 120_000 }) });

const timestamp = () => new Date().toISOString();

/** The frames of one generation, numbered from seq 1 in the order they are made. */
const generationFrames = () => {
  const ids = { conversation_id: randomUUID(), message_id: randomUUID() };
  let seq = 0;
  return {
    ids,
    status: (status: string, message: string, data: Record<string, unknown>): RelayFrame => ({
      type: 'status_update',
      status,
      message,
      data,
      ...ids,
      seq: (seq += 1),
      timestamp: timestamp(),
    }),
    delta: (delta: string): RelayFrame => ({ type: 'chat_stream', status: 'streaming', delta, ...ids, seq: (seq += 1), timestamp: timestamp() }),
  };
};

/**
 * One generation, relayed straight from the simulator to `emit`: `sending` (seq 1), `streaming`
 * (seq 2), one `chat_stream` per delta, then `done` with the full response, or `error`.
 * No queue, no Redis, no database: the frames the gateway would send, and nothing else.
 */
export const relayGeneration = async (relay: Relay, message: string, emit: (frame: RelayFrame) => void, requestId?: string): Promise<void> => {
  const frames = generationFrames();
  const { status } = frames;
  // As the gateway does: `sending` names the chat's request_id, which is how the client SDK binds the generation.
  emit(status('sending', '正在处理您的消息...', requestId ? { request_id: requestId } : {}));
  let full = '';
  try {
    const stream = await relay.client.chat.completions.create({
      model: 'deepseek-chat',
      messages: [
        { role: 'system', content: '你是一位专业的健康助手。' },
        { role: 'user', content: message },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    emit(status('streaming', 'AI正在生成回复...', {}));
    let usage: unknown = null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      const delta = choice?.delta.content;
      if (delta) {
        full += delta;
        emit(frames.delta(delta));
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
    emit(status('done', '回复完成', { full_response: full, ...frames.ids, response_length: full.length, usage, finish_reason: finish }));
  } catch (err) {
    emit(status('error', (err as Error).message, { error_code: 'UPSTREAM_UNAVAILABLE', partial_response: full }));
  }
};

/** The `connection_established` frame both relays send first. */
export const connectionEstablished = (userId: string): RelayFrame => ({
  type: 'connection_established',
  status: 'connected',
  message: '连接成功',
  user_id: userId,
  connection_id: randomUUID(),
  heartbeat_interval: 30,
  timestamp: timestamp(),
});
