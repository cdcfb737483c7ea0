import { types } from 'node:util';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { VoiceProviderError, type VoiceProviderErrorCode } from './voice-error';

export type OpenAiFailureContext = {
  provider: string;
  /** The caller's signal: once it has fired, whatever the SDK throws is the abort. */
  signal: AbortSignal;
  /** Whether the request uploaded audio, so a 400 about its format means the audio is undecodable. */
  uploadsAudio: boolean;
};

// OpenAI answers undecodable uploads with 400 and code "invalid_file_format"; compatible servers
// often only say so in the message (a complaint about response_format is not one).
const UNDECODABLE_MESSAGE = /(file|audio) format|decod|corrupt|unrecognized (file|audio)/i;

/**
 * undici reports a connection the server dropped mid-body as `TypeError: terminated`. It is
 * Node's own TypeError, from another realm than the caller's under a VM sandbox (jest), so it is
 * told by name rather than by instanceof.
 */
const isNetworkFailure = (err: unknown): boolean =>
  types.isNativeError(err) && err.name === 'TypeError' && /^(terminated|fetch failed)$/.test(err.message);

const isAbort = (err: unknown, signal: AbortSignal): boolean =>
  signal.aborted || err instanceof APIUserAbortError || (err as { name?: unknown } | null)?.name === 'AbortError';

const codeForStatus = (err: APIError, status: number, uploadsAudio: boolean): VoiceProviderErrorCode => {
  const undecodable = err.code === 'invalid_file_format' || UNDECODABLE_MESSAGE.test(err.message);
  if (uploadsAudio && (status === 400 || status === 415 || status === 422) && undecodable) return 'audio_undecodable';
  if (status === 408) return 'provider_timeout';
  if (status === 429 || status >= 500) return 'provider_unavailable';
  return 'provider_rejected';
};

/**
 * Maps what the openai SDK threw to a VoiceProviderError. Errors that are not the provider's
 * (a bug in the caller, say) are returned unchanged, so they are not mistaken for an outage.
 */
export const fromOpenAiFailure = (err: unknown, context: OpenAiFailureContext): unknown => {
  const { provider } = context;
  if (err instanceof VoiceProviderError) return err;
  if (err instanceof APIConnectionTimeoutError || isAbort(err, context.signal)) {
    return new VoiceProviderError('provider_timeout', 'request aborted or timed out', { provider, cause: err });
  }
  if (err instanceof APIConnectionError || isNetworkFailure(err)) {
    return new VoiceProviderError('provider_unavailable', 'could not reach the provider', { provider, cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const code = codeForStatus(err, err.status, context.uploadsAudio);
    return new VoiceProviderError(code, `HTTP ${err.message}`, { provider, status: err.status, cause: err });
  }
  return err;
};
