import { ConfigError } from '@aurawell/platform';
import { loadWorkerConfig } from './config';

const base = { DATABASE_URL: 'postgres://aw@db:5432/aurawell' };

const configError = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadWorkerConfig', () => {
  it('production without DEEPSEEK_API_KEY fails with one line naming it', () => {
    const err = configError(() => loadWorkerConfig({ ...base, NODE_ENV: 'production' }));
    expect(err.message).not.toMatch(/\n/);
    expect(err.message).toMatch(/DEEPSEEK_API_KEY/);
    expect(err.message).toMatch(/production/);
  });

  it('production with an empty DEEPSEEK_API_KEY fails the same way', () => {
    const err = configError(() => loadWorkerConfig({ ...base, NODE_ENV: 'production', DEEPSEEK_API_KEY: '' }));
    expect(err.message).toMatch(/DEEPSEEK_API_KEY is required in production/);
  });

  it('production with a key is fine', () => {
    const c = loadWorkerConfig({ ...base, NODE_ENV: 'production', DEEPSEEK_API_KEY: 'sk-test' });
    expect(c.DEEPSEEK_API_KEY).toBe('sk-test');
  });

  it('development without a key (or with an empty one) uses the simulator', () => {
    expect(loadWorkerConfig(base).DEEPSEEK_API_KEY).toBeUndefined();
    expect(loadWorkerConfig({ ...base, DEEPSEEK_API_KEY: '' }).DEEPSEEK_API_KEY).toBeUndefined();
  });

  it('DATABASE_URL is required', () => {
    expect(configError(() => loadWorkerConfig({})).message).toMatch(/DATABASE_URL/);
  });

  it('defaults', () => {
    expect(loadWorkerConfig(base)).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      MAX_GENERATIONS_PER_USER: 2,
      WORKER_LOCK_DURATION_MS: 30000,
      WORKER_STALLED_INTERVAL_MS: 15000,
      WORKER_DRAIN_MS: 10000,
      LLM_STREAM_ATTEMPTS: 4,
      REDIS_OUTAGE_TOLERANCE_MS: 30000,
      REMINDER_CONCURRENCY: 10,
      REMINDER_SMART_TIMEOUT_MS: 8000,
      REAPER_INTERVAL_MS: 5000,
      REAPER_GRACE_MS: 30000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: [],
      REDIS_CLUSTER_TLS: false,
      REDIS_KEY_PREFIX: 'aw',
      OPS_HOST: '0.0.0.0',
      OPS_PORT: 0,
      SHUTDOWN_DEADLINE_MS: 15000,
      DATABASE_URL: base.DATABASE_URL,
      MIGRATE_ON_START: true,
      PORT: 9102,
      DEEPSEEK_BASE_URL: 'https://api.deepseek.com',
      DEEPSEEK_MODEL: 'deepseek-v4-flash',
      DEEPSEEK_THINKING: false,
      LLM_TEMPERATURE: 0.3,
      LLM_MAX_TOKENS: 2048,
      LLM_MAX_RETRIES: 4,
      FIRST_TOKEN_DEADLINE_MS: 60000,
      GENERATION_DEADLINE_MS: 600000,
      GENERATION_RETENTION_MS: 3600000,
      GENERATION_MAX_FRAMES: 20000,
      WORKER_CONCURRENCY: 100,
      CONVERSATION_TURN_POLL_MS: 2000,
      HISTORY_TURNS: 10,
      SIM_TOKENS_PER_SECOND: 30,
      TTS_ESPEAK_VOICE: 'cmn',
      TTS_FORMAT: 'wav',
      TTS_MODEL: 'gpt-4o-mini-tts',
      TTS_TAIL_MS: 15000,
      TTS_VOICE: 'alloy',
      SIM_FIRST_TOKEN_DELAY_MS: 300,
    });
  });

  it('empty strings take the defaults', () => {
    const c = loadWorkerConfig({ ...base, DEEPSEEK_BASE_URL: '', DEEPSEEK_MODEL: '', LLM_MAX_RETRIES: '', DEEPSEEK_THINKING: '' });
    expect(c).toMatchObject({ DEEPSEEK_BASE_URL: 'https://api.deepseek.com', DEEPSEEK_MODEL: 'deepseek-v4-flash', LLM_MAX_RETRIES: 4, DEEPSEEK_THINKING: false });
  });

  it.each([
    ['LLM_TEMPERATURE', '3'],
    ['LLM_MAX_RETRIES', '11'],
    ['FIRST_TOKEN_DEADLINE_MS', '5'],
    ['DEEPSEEK_BASE_URL', 'ftp://api.deepseek.com'],
    ['DEEPSEEK_THINKING', 'sometimes'],
    ['WORKER_CONCURRENCY', '0'],
  ])('%s=%s is rejected by name', (name, value) => {
    const err = configError(() => loadWorkerConfig({ ...base, [name]: value }));
    expect(err.message).toContain(name);
    expect(err.message).not.toMatch(/\n/);
  });
});
