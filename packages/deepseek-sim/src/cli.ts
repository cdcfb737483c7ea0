/**
 * Standalone simulator: `pnpm --dir packages/deepseek-sim start`. Configured by env:
 * SIM_PORT (8090), SIM_HOST (127.0.0.1), SIM_TOKENS_PER_SECOND (30), SIM_FIRST_TOKEN_DELAY_MS (300),
 * SIM_TRANSCRIPT_DELTAS_PER_SECOND (50), SIM_FIRST_AUDIO_DELAY_MS (50), SIM_SPEECH_CHUNK_BYTES (4096),
 * SIM_SPEECH_CHUNK_INTERVAL_MS (10).
 */
import { pino } from 'pino';
import { startDeepSeekSimulator, type SimulatorOptions } from './server';

/** Options from the environment; throws on values that are present but not numbers. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  return {
    host: env.SIM_HOST || '127.0.0.1',
    port: envNumber(env, 'SIM_PORT') ?? 8090,
    tokensPerSecond: envNumber(env, 'SIM_TOKENS_PER_SECOND'),
    firstTokenDelayMs: envNumber(env, 'SIM_FIRST_TOKEN_DELAY_MS'),
    transcriptDeltasPerSecond: envNumber(env, 'SIM_TRANSCRIPT_DELTAS_PER_SECOND'),
    firstAudioDelayMs: envNumber(env, 'SIM_FIRST_AUDIO_DELAY_MS'),
    speechChunkBytes: envNumber(env, 'SIM_SPEECH_CHUNK_BYTES'),
    speechChunkIntervalMs: envNumber(env, 'SIM_SPEECH_CHUNK_INTERVAL_MS'),
  };
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export async function runCli(env: NodeJS.ProcessEnv, logger: pino.Logger): Promise<void> {
  const options = optionsFromEnv(env);
  const sim = await startDeepSeekSimulator({ ...options, logger });
  logger.info(
    {
      event: 'deepseek_simulator_started',
      simulator: 'deepseek',
      url: sim.url,
      port: sim.port,
      tokensPerSecond: options.tokensPerSecond ?? 30,
      firstTokenDelayMs: options.firstTokenDelayMs ?? 300,
      transcriptDeltasPerSecond: options.transcriptDeltasPerSecond ?? 50,
      firstAudioDelayMs: options.firstAudioDelayMs ?? 50,
    },
    'DeepSeek simulator listening (not a real model)',
  );
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'deepseek_simulator_stopping', signal }, 'DeepSeek simulator stopping');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'DeepSeek simulator failed to close');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Start only when executed directly, so tests can import optionsFromEnv without a server.
if (/(^|[\\/])cli\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const logger = pino({ name: 'deepseek-sim' });
  runCli(process.env, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'DeepSeek simulator failed to start');
    process.exit(1);
  });
}
