import { z } from 'zod';
import { authEnv, baseEnv, ConfigError, databaseEnv, envBool, envInt, envList, envNumber, envPort, envString, envUrl, loadConfig } from './config';

const schema = z.object({
  ...baseEnv,
  ...databaseEnv,
  ...authEnv,
  NAME: envString().default('fallback-name'),
  OPTIONAL_KEY: envString().optional(),
  API_URL: envUrl(/^https?$/).default('https://example.invalid'),
  COUNT: envInt(5, 1, 10),
  RATIO: envNumber(0.5, 0, 1),
  PORT: envPort(8000),
  FLAG: envBool(true),
  ORIGINS: envList(['http://localhost:3000']),
});

const required = { DATABASE_URL: 'postgres://aw@db:5432/aurawell', JWT_SECRET_KEY: 's'.repeat(16) };
const load = (env: Record<string, string>) => loadConfig(schema, { ...required, ...env });

/** The ConfigError `fn` throws; fails the test when it does not throw one. */
const configError = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig errors', () => {
  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/aurawell' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis-1:6379,redis-2' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis://redis-1:6379' }],
    ['REDIS_CLUSTER_TLS', { REDIS_CLUSTER_TLS: 'sometimes' }],
    ['REDIS_QUEUE_URL', { REDIS_QUEUE_URL: 'queue-redis:6379' }],
    ['JWT_SECRET_KEY', { JWT_SECRET_KEY: 'short' }],
    ['COUNT', { COUNT: 'many' }],
    ['COUNT', { COUNT: '11' }],
    ['COUNT', { COUNT: '2.5' }],
    ['RATIO', { RATIO: '1.5' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['NODE_ENV', { NODE_ENV: 'prod' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['REDIS_KEY_PREFIX', { REDIS_KEY_PREFIX: 'has space' }],
    ['SHUTDOWN_DEADLINE_MS', { SHUTDOWN_DEADLINE_MS: '10' }],
    ['FLAG', { FLAG: 'maybe' }],
    ['API_URL', { API_URL: 'ftp://example.invalid' }],
  ])('names %s in one line', (name, env) => {
    const err = configError(() => load(env));
    expect(err.name).toBe('ConfigError');
    expect(err.message).not.toMatch(/\n/);
    expect(err.message).toMatch(new RegExp(`\\b${name}\\b`));
    expect(err.message.startsWith('invalid configuration: ')).toBe(true);
  });

  it('a missing required variable is named', () => {
    const err = configError(() => loadConfig(schema, { JWT_SECRET_KEY: 's'.repeat(16) }));
    expect(err.message).toMatch(/DATABASE_URL/);
    expect(err.message).not.toMatch(/JWT_SECRET_KEY/);
  });

  it('every problem is named, still on one line', () => {
    const err = configError(() => loadConfig(schema, { COUNT: 'x', FLAG: 'perhaps' }));
    for (const name of ['DATABASE_URL', 'JWT_SECRET_KEY', 'COUNT', 'FLAG']) expect(err.message).toContain(name);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('does not echo the secret value it rejected', () => {
    const err = configError(() => load({ JWT_SECRET_KEY: 'hunter2-secret' }));
    expect(err.message).not.toContain('hunter2');
  });
});

describe('defaults', () => {
  it('fills every default from a minimal environment', () => {
    expect(load({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: [],
      REDIS_CLUSTER_TLS: false,
      REDIS_KEY_PREFIX: 'aw',
      OPS_PORT: 0,
      OPS_HOST: '0.0.0.0',
      SHUTDOWN_DEADLINE_MS: 15000,
      DATABASE_URL: required.DATABASE_URL,
      MIGRATE_ON_START: true,
      JWT_SECRET_KEY: required.JWT_SECRET_KEY,
      DEV_TOKEN_ENABLED: false,
      NAME: 'fallback-name',
      API_URL: 'https://example.invalid',
      COUNT: 5,
      RATIO: 0.5,
      PORT: 8000,
      FLAG: true,
      ORIGINS: ['http://localhost:3000'],
    });
  });

  it('coerces numbers and keeps given values', () => {
    const c = load({ COUNT: '7', RATIO: '0.25', PORT: '9000', OPS_PORT: '9100', REDIS_URL: 'rediss://r:6380', NAME: 'n', NODE_ENV: 'production' });
    expect(c).toMatchObject({ COUNT: 7, RATIO: 0.25, PORT: 9000, OPS_PORT: 9100, REDIS_URL: 'rediss://r:6380', NAME: 'n', NODE_ENV: 'production' });
  });

  it('splits lists on commas, trimmed, blanks dropped', () => {
    expect(load({ ORIGINS: ' https://a.example , https://b.example,, ' }).ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(load({ ORIGINS: '   ' }).ORIGINS).toEqual(['http://localhost:3000']);
  });
});

describe('stringbool', () => {
  it.each(['true', '1', 'yes', 'on', 'TRUE', 'Yes'])('%s → true', (v) => {
    expect(load({ FLAG: v, DEV_TOKEN_ENABLED: v }).DEV_TOKEN_ENABLED).toBe(true);
  });

  it.each(['false', '0', 'no', 'off', 'FALSE'])('%s → false', (v) => {
    const c = load({ FLAG: v, MIGRATE_ON_START: v });
    expect(c.FLAG).toBe(false);
    expect(c.MIGRATE_ON_START).toBe(false);
  });
});

describe('an empty string means unset', () => {
  it('every variable with a default takes its default', () => {
    const empty = Object.fromEntries(
      ['NODE_ENV', 'LOG_LEVEL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'OPS_PORT', 'SHUTDOWN_DEADLINE_MS', 'MIGRATE_ON_START', 'DEV_TOKEN_ENABLED', 'NAME', 'OPTIONAL_KEY', 'API_URL', 'COUNT', 'RATIO', 'PORT', 'FLAG', 'ORIGINS'].map(
        (k) => [k, ''],
      ),
    );
    expect(load(empty)).toEqual(load({}));
    expect(load(empty).OPTIONAL_KEY).toBeUndefined();
  });

  it('a required variable set to "" is reported missing, not as a bad value', () => {
    const err = configError(() => loadConfig(schema, { DATABASE_URL: '', JWT_SECRET_KEY: '' }));
    expect(err.message).toMatch(/DATABASE_URL/);
    expect(err.message).toMatch(/JWT_SECRET_KEY/);
    expect(err.message).not.toMatch(/at least 16/);
  });

  it('the helpers treat "" as unset on their own too', () => {
    expect(envInt(3).parse('')).toBe(3);
    expect(envBool(false).parse('')).toBe(false);
    expect(envPort(80).parse('')).toBe(80);
  });
});
