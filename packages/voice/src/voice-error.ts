/**
 * What went wrong at a speech or transcription provider, in the few kinds a caller acts on
 * differently: retry later, give up in time, ask the user for other audio, or fix the request.
 */
export type VoiceProviderErrorCode = 'provider_unavailable' | 'provider_timeout' | 'audio_undecodable' | 'provider_rejected';

export type VoiceProviderErrorDetails = {
  /** The engine or transcriber that failed, e.g. "espeak-ng" or "openai-speech". */
  provider: string;
  /** The provider's HTTP status, when it answered with one. */
  status?: number;
  cause?: unknown;
};

export class VoiceProviderError extends Error {
  override readonly name = 'VoiceProviderError';
  readonly code: VoiceProviderErrorCode;
  readonly provider: string;
  readonly status?: number;

  constructor(code: VoiceProviderErrorCode, message: string, details: VoiceProviderErrorDetails) {
    super(`${details.provider}: ${message}`, { cause: details.cause });
    this.code = code;
    this.provider = details.provider;
    if (details.status !== undefined) this.status = details.status;
  }
}
