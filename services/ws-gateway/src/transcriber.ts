import { startDeepSeekSimulator } from '@aurawell/deepseek-sim';
import type { Logger } from '@aurawell/platform';
import { openAiTranscriber, type Transcriber } from '@aurawell/voice';
import type { GatewayConfig } from './config';

export type SpeechRecognition = { transcriber: Transcriber | null; close(): Promise<void> };

/**
 * The recognizer spoken questions go to: ASR_BASE_URL when set; otherwise, outside production,
 * the project's simulator started in this process (deterministic transcripts, through the same
 * SDK path), so `pnpm start` takes spoken questions with no keys; in production without one,
 * none (voice_start is refused with VOICE_UNAVAILABLE).
 */
export const speechRecognitionFor = async (config: GatewayConfig, logger: Logger): Promise<SpeechRecognition> => {
  const model = config.ASR_MODEL;
  if (config.ASR_BASE_URL) {
    logger.info({ asr: config.ASR_BASE_URL, model }, 'spoken questions are recognized by an OpenAI-compatible transcription endpoint');
    return { transcriber: openAiTranscriber({ baseURL: config.ASR_BASE_URL, apiKey: config.ASR_API_KEY ?? 'none', model, timeoutMs: config.ASR_TIMEOUT_MS }), close: async () => {} };
  }
  if (config.NODE_ENV === 'production') {
    logger.warn({}, 'ASR_BASE_URL is not set: spoken questions are refused (VOICE_UNAVAILABLE)');
    return { transcriber: null, close: async () => {} };
  }
  const sim = await startDeepSeekSimulator({ logger: logger.child({ component: 'asr-simulator' }) });
  logger.warn({ simulatorUrl: sim.url }, 'ASR_BASE_URL is not set: spoken questions are recognized by the built-in simulator (canned transcripts)');
  return { transcriber: openAiTranscriber({ baseURL: sim.url, apiKey: 'simulator', model, timeoutMs: config.ASR_TIMEOUT_MS }), close: () => sim.close() };
};
