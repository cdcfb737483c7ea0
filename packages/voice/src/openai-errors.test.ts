import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { fromOpenAiFailure, type OpenAiFailureContext } from './openai-errors';
import { VoiceProviderError } from './voice-error';

// The SDK's own error classes, as its client throws them; the end-to-end paths are in the engine tests.

const context = (overrides: Partial<OpenAiFailureContext> = {}): OpenAiFailureContext => ({
  provider: 'openai-test',
  signal: new AbortController().signal,
  uploadsAudio: true,
  ...overrides,
});

/** An HTTP error answer as the SDK builds it from the status and JSON body. */
const httpError = (status: number, message: string, code?: string) =>
  APIError.generate(status, { error: { message, type: 'invalid_request_error', code } }, undefined, new Headers());

const codeOf = (err: unknown, ctx = context()) => (fromOpenAiFailure(err, ctx) as VoiceProviderError).code;

describe('fromOpenAiFailure', () => {
  it('calls a timeout or an abort provider_timeout', () => {
    expect(codeOf(new APIConnectionTimeoutError())).toBe('provider_timeout');
    expect(codeOf(new APIUserAbortError())).toBe('provider_timeout');
    expect(codeOf(httpError(408, 'Request timeout'))).toBe('provider_timeout');
  });

  it('calls anything after the caller aborted provider_timeout, whatever the SDK threw', () => {
    const controller = new AbortController();
    controller.abort();
    expect(codeOf(new Error('stream closed'), context({ signal: controller.signal }))).toBe('provider_timeout');
  });

  it('calls connection failures, 429 and 5xx provider_unavailable', () => {
    expect(codeOf(new APIConnectionError({ message: 'Connection error.' }))).toBe('provider_unavailable');
    expect(codeOf(Object.assign(new TypeError('terminated'), { cause: new Error('other side closed') }))).toBe('provider_unavailable');
    expect(codeOf(httpError(429, 'Rate limit reached'))).toBe('provider_unavailable');
    expect(codeOf(httpError(503, 'Service unavailable'))).toBe('provider_unavailable');
  });

  it('calls a 400 about the uploaded file audio_undecodable, by code or by message', () => {
    expect(codeOf(httpError(400, 'Invalid file format.', 'invalid_file_format'))).toBe('audio_undecodable');
    expect(codeOf(httpError(400, 'Audio file could not be decoded'))).toBe('audio_undecodable');
  });

  it('calls other 4xx provider_rejected, and a format complaint too when no audio was uploaded', () => {
    expect(codeOf(httpError(400, "Missing required parameter: 'model'."))).toBe('provider_rejected');
    expect(codeOf(httpError(401, 'Incorrect API key'))).toBe('provider_rejected');
    expect(codeOf(httpError(400, "Unsupported response_format 'srt'."))).toBe('provider_rejected');
    expect(codeOf(httpError(400, 'Unsupported response_format', undefined), context({ uploadsAudio: false }))).toBe('provider_rejected');
  });

  it('keeps the status, the provider and the SDK error as cause', () => {
    const original = httpError(502, 'Bad gateway');
    const mapped = fromOpenAiFailure(original, context()) as VoiceProviderError;
    expect(mapped).toBeInstanceOf(VoiceProviderError);
    expect(mapped).toMatchObject({ name: 'VoiceProviderError', code: 'provider_unavailable', status: 502, provider: 'openai-test' });
    expect(mapped.message).toMatch(/^openai-test: HTTP 502/);
    expect(mapped.cause).toBe(original);
  });

  it('returns errors that are not the provider’s unchanged', () => {
    const bug = new RangeError('a bug in the caller');
    expect(fromOpenAiFailure(bug, context())).toBe(bug);
  });
});
