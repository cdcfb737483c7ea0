import { loadGatewayConfig } from './config';

const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', JWT_SECRET_KEY: 'a-secret-of-enough-length' };

test('defaults follow the contract: 20 frames/s, burst 40; soft cap below the 4 MiB hard cap; 10 s drain', () => {
  const config = loadGatewayConfig(env);
  expect(config).toMatchObject({
    RATE_LIMIT_PER_SECOND: 20,
    RATE_LIMIT_BURST: 40,
    SEND_BUFFER_SOFT_CAP_BYTES: 256 * 1024,
    SEND_BUFFER_HARD_CAP_BYTES: 4 * 1024 * 1024,
    DRAIN_WINDOW_MS: 10000,
  });
});

test('a fractional rate is allowed (a test can slow refills down)', () => {
  expect(loadGatewayConfig({ ...env, RATE_LIMIT_PER_SECOND: '0.25' }).RATE_LIMIT_PER_SECOND).toBe(0.25);
});

test('the drain window must end before the shutdown deadline', () => {
  expect(() => loadGatewayConfig({ ...env, DRAIN_WINDOW_MS: '15000', SHUTDOWN_DEADLINE_MS: '15000' })).toThrow(
    'invalid configuration: DRAIN_WINDOW_MS: must be below SHUTDOWN_DEADLINE_MS',
  );
});

test('the soft cap must be below the hard cap', () => {
  expect(() => loadGatewayConfig({ ...env, SEND_BUFFER_SOFT_CAP_BYTES: '8192', SEND_BUFFER_HARD_CAP_BYTES: '4096' })).toThrow(
    'SEND_BUFFER_SOFT_CAP_BYTES: must be below SEND_BUFFER_HARD_CAP_BYTES',
  );
});

test('a zero or negative rate is refused with the variable named', () => {
  expect(() => loadGatewayConfig({ ...env, RATE_LIMIT_PER_SECOND: '0' })).toThrow('RATE_LIMIT_PER_SECOND');
  expect(() => loadGatewayConfig({ ...env, RATE_LIMIT_BURST: '0' })).toThrow('RATE_LIMIT_BURST');
});

test('permessage-deflate is on by default, frames from 1 KiB compressed; a bad value is refused by name', () => {
  expect(loadGatewayConfig(env)).toMatchObject({ WS_COMPRESSION: true, WS_COMPRESSION_THRESHOLD_BYTES: 1024 });
  expect(loadGatewayConfig({ ...env, WS_COMPRESSION: 'false', WS_COMPRESSION_THRESHOLD_BYTES: '4096' })).toMatchObject({
    WS_COMPRESSION: false,
    WS_COMPRESSION_THRESHOLD_BYTES: 4096,
  });
  expect(() => loadGatewayConfig({ ...env, WS_COMPRESSION: 'sometimes' })).toThrow('WS_COMPRESSION');
  expect(() => loadGatewayConfig({ ...env, WS_COMPRESSION_THRESHOLD_BYTES: '-1' })).toThrow('WS_COMPRESSION_THRESHOLD_BYTES');
});
