import { ConfigError } from '@aurawell/platform';
import { DEFAULT_ALLOWED_HOSTS, DEFAULT_CORS_ORIGINS, loadApiConfig } from './config';

const valid = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/aw', JWT_SECRET_KEY: 'a-secret-of-sixteen-plus' };

const configError = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    loadApiConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadApiConfig', () => {
  it('applies the defaults', () => {
    const config = loadApiConfig(valid);
    expect(config).toMatchObject({ PORT: 8001, HOST: '0.0.0.0', DEV_TOKEN_ENABLED: false, MIGRATE_ON_START: true, NODE_ENV: 'development' });
    expect(config.ALLOWED_HOSTS).toEqual(['localhost', '127.0.0.1', '*.aurawell.com', 'testserver']);
    expect(DEFAULT_ALLOWED_HOSTS).toEqual(config.ALLOWED_HOSTS);
    expect(config.CORS_ALLOWED_ORIGINS).toEqual(DEFAULT_CORS_ORIGINS);
    expect([...config.CORS_ALLOWED_ORIGINS].sort()).toEqual(
      [3000, 8080, 5173, 5174, 5175].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]).sort(),
    );
  });

  it('reads lists trimmed and appends PRODUCTION_ORIGIN (without a trailing slash)', () => {
    const config = loadApiConfig({
      ...valid,
      CORS_ALLOWED_ORIGINS: ' http://a.test:1 , http://b.test:2 ,',
      PRODUCTION_ORIGIN: 'https://app.aurawell.com/',
      ALLOWED_HOSTS: 'api.example.com, *.example.org',
    });
    expect(config.CORS_ALLOWED_ORIGINS).toEqual(['http://a.test:1', 'http://b.test:2', 'https://app.aurawell.com']);
    expect(config.ALLOWED_HOSTS).toEqual(['api.example.com', '*.example.org']);
  });

  it('treats empty values as unset', () => {
    const config = loadApiConfig({ ...valid, PORT: '', HOST: '', PRODUCTION_ORIGIN: '', DEV_TOKEN_ENABLED: '' });
    expect(config).toMatchObject({ PORT: 8001, HOST: '0.0.0.0', DEV_TOKEN_ENABLED: false });
    expect(config.PRODUCTION_ORIGIN).toBeUndefined();
    expect(config.CORS_ALLOWED_ORIGINS).toEqual(DEFAULT_CORS_ORIGINS);
  });

  it('throttles logins, registrations and tickets by default, and trusts only a loopback proxy', () => {
    expect(loadApiConfig(valid)).toMatchObject({
      TRUST_PROXY: ['loopback'],
      LOGIN_WINDOW_SECONDS: 900,
      LOGIN_BLOCK_SECONDS: 900,
      LOGIN_ACCOUNT_MAX_FAILURES: 10,
      LOGIN_IP_MAX_ATTEMPTS: 100,
      LOGIN_IP_MAX_FAILURES: 30,
      REGISTER_IP_MAX_PER_HOUR: 10,
      WS_TICKET_MAX_PER_MINUTE: 60,
    });
    expect(configError({ ...valid, TRUST_PROXY: 'true', LOGIN_ACCOUNT_MAX_FAILURES: '0' }).message).toMatch(/TRUST_PROXY: .*LOGIN_ACCOUNT_MAX_FAILURES: /);
  });

  it('turns the dev token on only when asked', () => {
    expect(loadApiConfig({ ...valid, DEV_TOKEN_ENABLED: 'true' }).DEV_TOKEN_ENABLED).toBe(true);
  });

  it.each([
    ['JWT_SECRET_KEY', { DATABASE_URL: valid.DATABASE_URL }],
    ['JWT_SECRET_KEY', { ...valid, JWT_SECRET_KEY: 'short' }],
    ['DATABASE_URL', { ...valid, DATABASE_URL: 'not a url' }],
    ['DATABASE_URL', { ...valid, DATABASE_URL: 'mysql://root@localhost/aw' }],
    ['PORT', { ...valid, PORT: 'eighty' }],
    ['PRODUCTION_ORIGIN', { ...valid, PRODUCTION_ORIGIN: 'app.aurawell.com' }],
    ['DEV_TOKEN_ENABLED', { ...valid, NODE_ENV: 'production', DEV_TOKEN_ENABLED: 'true' }],
  ])('throws a one-line ConfigError naming %s', (name, env) => {
    const err = configError(env);
    expect(err.message).toContain(`${name}:`);
    expect(err.message).not.toContain('\n');
  });
});
