import type { Logger } from '@aurawell/platform';
import { espeakAvailable, espeakEngine, openAiSpeechEngine, type SpeechEngine } from '@aurawell/voice';
import type { WorkerConfig } from './config';

/**
 * The engine that speaks answers: an OpenAI-compatible speech endpoint when TTS_BASE_URL is set,
 * otherwise eSpeak NG (Mandarin) when it is installed, so a development stack answers aloud with no
 * keys; without either, answers stay text (the log says so once).
 */
export const speechEngineFor = async (config: WorkerConfig, logger: Logger): Promise<SpeechEngine | undefined> => {
  if (config.TTS_BASE_URL) {
    const engine = openAiSpeechEngine({ baseURL: config.TTS_BASE_URL, apiKey: config.TTS_API_KEY ?? 'none', model: config.TTS_MODEL, voice: config.TTS_VOICE, format: config.TTS_FORMAT });
    logger.info({ engine: engine.name, baseURL: config.TTS_BASE_URL, model: config.TTS_MODEL, voice: config.TTS_VOICE, format: config.TTS_FORMAT }, 'answers are spoken by an OpenAI-compatible speech endpoint');
    return engine;
  }
  if (await espeakAvailable()) {
    const engine = espeakEngine({ voice: config.TTS_ESPEAK_VOICE });
    logger.info({ engine: engine.name, voice: config.TTS_ESPEAK_VOICE }, 'answers are spoken by the embedded eSpeak NG (set TTS_BASE_URL for a speech service)');
    return engine;
  }
  logger.warn({}, 'no speech engine: TTS_BASE_URL is unset and espeak-ng is not installed; spoken answers are sent as text only');
  return undefined;
};
