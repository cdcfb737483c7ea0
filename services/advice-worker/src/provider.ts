import { startDeepSeekSimulator } from '@aurawell/deepseek-sim';
import type { Logger } from '@aurawell/platform';
import type { WorkerConfig } from './config';

export type Provider = { apiKey: string; baseURL: string; simulated: boolean; close(): Promise<void> };

/**
 * DeepSeek when a key is configured; otherwise the built-in simulator, started in-process and
 * reached over HTTP through the very same SDK path.
 */
export const providerFor = async (config: WorkerConfig, logger: Logger): Promise<Provider> => {
  if (config.DEEPSEEK_API_KEY) {
    return { apiKey: config.DEEPSEEK_API_KEY, baseURL: config.DEEPSEEK_BASE_URL, simulated: false, close: async () => {} };
  }
  const sim = await startDeepSeekSimulator({
    tokensPerSecond: config.SIM_TOKENS_PER_SECOND,
    firstTokenDelayMs: config.SIM_FIRST_TOKEN_DELAY_MS,
    logger: logger.child({ component: 'deepseek-simulator' }),
  });
  logger.warn({ simulatorUrl: sim.url }, 'DEEPSEEK_API_KEY is not set: answering with the built-in DeepSeek simulator');
  return { apiKey: 'simulator', baseURL: sim.url, simulated: true, close: () => sim.close() };
};
