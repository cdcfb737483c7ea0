/**
 * The DeepSeek/OpenAI wire format: request validation and the JSON shapes the official
 * `openai` SDK parses (chunks, completions, usage, error bodies).
 */

export const SYSTEM_FINGERPRINT = 'fp_sim';

/** A chat completion request after validation, with only the fields the simulator uses. */
export interface CompletionRequest {
  model: string;
  messages: unknown[];
  thinking: boolean;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | null;
  lastUserMessage: string;
}

export type Validation = { ok: true; request: CompletionRequest } | { ok: false; message: string };

/** Checks the fields the real API rejects requests for, and extracts what the simulator needs. */
export function validateRequest(body: unknown): Validation {
  if (!isRecord(body)) return { ok: false, message: 'Request body must be a JSON object.' };
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') return { ok: false, message: 'Missing required parameter: model.' };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: 'Missing required parameter: messages (a non-empty array).' };
  }
  const thinkingField = isRecord(body.thinking) ? body.thinking.type : undefined;
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  return {
    ok: true,
    request: {
      model,
      messages,
      thinking: thinkingField === 'enabled' || model === 'deepseek-reasoner',
      stream: body.stream === true,
      includeUsage: streamOptions.include_usage === true,
      maxTokens: typeof maxTokens === 'number' && maxTokens >= 0 ? Math.floor(maxTokens) : null,
      lastUserMessage: lastUserMessageOf(messages),
    },
  };
}

/** Text of the last `role: "user"` message; content may be a string or an array of text parts. */
export function lastUserMessageOf(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && message.role === 'user') return contentText(message.content);
  }
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/** Rough DeepSeek-like estimate: ~0.6 token per CJK character, ~0.3 per other character. */
export function estimatePromptTokens(messages: unknown[]): number {
  let estimate = 0;
  for (const message of messages) {
    const text = isRecord(message) ? contentText(message.content) : '';
    let cjk = 0;
    for (const ch of text) if (CJK.test(ch)) cjk++;
    estimate += 4 + cjk * 0.6 + (Array.from(text).length - cjk) * 0.3;
  }
  return Math.max(1, Math.ceil(estimate));
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_cache_hit_tokens: number;
  prompt_cache_miss_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

export function buildUsage(promptTokens: number, contentTokens: number, reasoningTokens: number): Usage {
  const completion = contentTokens + reasoningTokens;
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: promptTokens,
  };
  if (reasoningTokens > 0) usage.completion_tokens_details = { reasoning_tokens: reasoningTokens };
  return usage;
}

/** Fields shared by every chunk of one stream. */
export interface ChunkBase {
  id: string;
  created: number;
  model: string;
}

export function chunkEvent(base: ChunkBase, delta: Record<string, unknown>, finishReason: string | null): string {
  const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
  return sse({ ...header(base, 'chat.completion.chunk'), choices: [choice] });
}

export function usageEvent(base: ChunkBase, usage: Usage): string {
  return sse({ ...header(base, 'chat.completion.chunk'), choices: [], usage });
}

export const DONE_EVENT = 'data: [DONE]\n\n';
export const KEEPALIVE_COMMENT = ': keep-alive\n\n';

export interface CompletionBody {
  content: string;
  reasoning: string | null;
  finishReason: string;
  usage: Usage;
}

export function completionResponse(base: ChunkBase, body: CompletionBody): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: body.content };
  if (body.reasoning !== null) message.reasoning_content = body.reasoning;
  const choice = { index: 0, message, logprobs: null, finish_reason: body.finishReason };
  return { ...header(base, 'chat.completion'), choices: [choice], usage: body.usage };
}

function header(base: ChunkBase, object: string) {
  return { id: base.id, object, created: base.created, model: base.model, system_fingerprint: SYSTEM_FINGERPRINT };
}

/** One server-sent event carrying `payload` as JSON. */
export function sse(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

const ERRORS: Record<number, { type: string; code: string; message: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_request_error', message: 'Invalid request (simulated).' },
  401: { type: 'authentication_error', code: 'invalid_api_key', message: 'Authentication Fails, Your api key is invalid.' },
  402: { type: 'insufficient_quota', code: 'insufficient_balance', message: 'Insufficient Balance (simulated).' },
  404: { type: 'invalid_request_error', code: 'not_found', message: 'Not found.' },
  422: { type: 'invalid_request_error', code: 'invalid_parameters', message: 'Invalid Parameters (simulated).' },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate Limit Reached (simulated).' },
  500: { type: 'api_error', code: 'server_error', message: 'Server Error (simulated).' },
  503: { type: 'api_error', code: 'server_overloaded', message: 'Server Overloaded (simulated).' },
};

/**
 * An OpenAI-style error body; `message` overrides the default text for the status, `detail`
 * the code and param (e.g. `invalid_file_format` on `file`, which clients tell apart).
 */
export function errorBody(
  status: number,
  message?: string,
  detail: { code?: string; param?: string } = {},
): { error: Record<string, unknown> } {
  const known = ERRORS[status] ?? {
    type: status >= 500 ? 'api_error' : 'invalid_request_error',
    code: `http_${status}`,
    message: `Simulated error ${status}.`,
  };
  const code = detail.code ?? known.code;
  return { error: { message: message ?? known.message, type: known.type, param: detail.param ?? null, code } };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
