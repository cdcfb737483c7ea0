import { APIConnectionError, APIError, OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ErrorCode, Usage } from '@aurawell/protocol';

export type LlmSettings = {
  apiKey: string;
  baseURL: string;
  model: string;
  thinking: boolean;
  temperature: number;
  maxTokens: number;
  maxRetries: number;
  /** Per-attempt bound on getting response headers. */
  attemptTimeoutMs: number;
};

/** One piece of the provider's stream. */
export type LlmPiece =
  | { kind: 'reasoning'; text: string }
  | { kind: 'content'; text: string }
  | { kind: 'finish'; reason: string }
  | { kind: 'usage'; usage: Usage };

/** Per-request settings that override the worker's defaults. */
export type LlmOverrides = { maxTokens?: number | null };

export type LlmStream = (messages: ChatCompletionMessageParam[], signal: AbortSignal, overrides?: LlmOverrides) => AsyncIterable<LlmPiece>;

type DeepSeekDelta = { content?: string | null; reasoning_content?: string | null };

/**
 * Streams a chat completion through the official `openai` SDK, as DeepSeek documents.
 * The SDK retries 429/5xx and connection failures before the response starts (exponential
 * backoff with jitter); deadlines and cancellation come from the caller's signal.
 */
export const createLlmStream = (s: LlmSettings): LlmStream => {
  const client = new OpenAI({ apiKey: s.apiKey, baseURL: s.baseURL, maxRetries: s.maxRetries, timeout: s.attemptTimeoutMs });
  return async function* stream(messages, signal, overrides = {}) {
    const body = {
      model: s.model,
      messages,
      stream: true as const,
      stream_options: { include_usage: true },
      temperature: s.temperature,
      max_tokens: overrides.maxTokens ?? s.maxTokens,
      // DeepSeek's switch for thinking mode; the SDK passes unknown fields through.
      ...(s.thinking ? { thinking: { type: 'enabled' } } : {}),
    };
    const chunks = await client.chat.completions.create(body, { signal });
    for await (const chunk of chunks) {
      if (chunk.usage) yield { kind: 'usage', usage: chunk.usage as Usage };
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as DeepSeekDelta;
      if (delta.reasoning_content) yield { kind: 'reasoning', text: delta.reasoning_content };
      if (delta.content) yield { kind: 'content', text: delta.content };
      if (choice.finish_reason) yield { kind: 'finish', reason: choice.finish_reason };
    }
  };
};

/** undici reports a connection the server dropped mid-body as `TypeError: terminated`. */
const isNetworkFailure = (err: unknown): boolean =>
  err instanceof TypeError && /^(terminated|fetch failed)$/.test(err.message);

export type FailureCause = 'first_token_deadline' | 'total_deadline' | 'cancelled' | 'fenced' | 'handoff' | null;

/** Maps what went wrong to the error code the client sees and a message for people. */
export const classifyLlmFailure = (
  err: unknown,
  cause: FailureCause,
  streamed: boolean,
): { code: ErrorCode; message: string } => {
  if (cause === 'first_token_deadline') return { code: 'UPSTREAM_TIMEOUT', message: '模型服务响应超时，请稍后重试' };
  if (cause === 'total_deadline') return { code: 'UPSTREAM_TIMEOUT', message: '生成时间超过上限，已停止' };
  if (streamed) return { code: 'UPSTREAM_INTERRUPTED', message: '模型服务的回复中断，已保留部分内容' };
  if (err === null) return { code: 'UPSTREAM_UNAVAILABLE', message: '模型服务没有返回内容，请稍后重试' };
  if (err instanceof APIConnectionError || isNetworkFailure(err)) return { code: 'UPSTREAM_UNAVAILABLE', message: '无法连接模型服务，请稍后重试' };
  if (err instanceof APIError && err.status !== undefined) {
    if ([400, 401, 402, 422].includes(err.status)) {
      return { code: 'UPSTREAM_REJECTED', message: `模型服务拒绝了请求（HTTP ${err.status}）` };
    }
    return { code: 'UPSTREAM_UNAVAILABLE', message: `模型服务暂时不可用（HTTP ${err.status}），请稍后重试` };
  }
  return { code: 'INTERNAL_ERROR', message: '生成回复时发生内部错误' };
};
