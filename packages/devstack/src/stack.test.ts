import { DEFAULT_CORS_ORIGINS } from '@aurawell/platform';
import { serviceEnvOf } from './stack';

const ports = (port: number, opsPort: number) => ({ port, opsPort, edgePort: 8000 });

describe('serviceEnvOf (the environment `pnpm start` and the e2e tests give each service)', () => {
  it('binds every listener of every service to loopback by default', () => {
    for (const service of ['api', 'ws-gateway', 'advice-worker'] as const) {
      expect(serviceEnvOf({ env: { REDIS_URL: 'redis://x' } }, service, ports(8001, 9001))).toMatchObject({ HOST: '127.0.0.1', OPS_HOST: '127.0.0.1', REDIS_URL: 'redis://x' });
    }
  });

  it('binds where the caller’s environment says: HOST for both, OPS_HOST for the ops port alone', () => {
    expect(serviceEnvOf({ env: { HOST: '0.0.0.0' } }, 'api', ports(8001, 9001))).toMatchObject({ HOST: '0.0.0.0', OPS_HOST: '0.0.0.0' });
    expect(serviceEnvOf({ env: { OPS_HOST: '0.0.0.0' } }, 'api', ports(8001, 9001))).toMatchObject({ HOST: '127.0.0.1', OPS_HOST: '0.0.0.0' });
    expect(serviceEnvOf({ env: {}, serviceEnv: { 'ws-gateway': { HOST: '::' } } }, 'ws-gateway', ports(8002, 9002))).toMatchObject({ HOST: '::', OPS_HOST: '::' });
  });

  it('gives the ports: the worker’s only port is its ops port', () => {
    expect(serviceEnvOf({ env: {} }, 'api', ports(8001, 9001))).toMatchObject({ PORT: '8001', OPS_PORT: '9001' });
    expect(serviceEnvOf({ env: {} }, 'advice-worker', ports(8003, 9003))).toMatchObject({ PORT: '9003', OPS_PORT: '9003' });
  });
});

describe('the origins the stack allows: its own edge, added to what the caller allowed', () => {
  const edge = ['http://localhost:8000', 'http://127.0.0.1:8000'];
  const origins = (env: NodeJS.ProcessEnv, service: 'api' | 'ws-gateway' = 'ws-gateway') => serviceEnvOf({ env }, service, ports(8002, 9002)).CORS_ALLOWED_ORIGINS?.split(',');

  it('the services’ defaults and the edge’s origin, by both loopback names, for the api and the gateways', () => {
    expect(origins({})).toEqual([...DEFAULT_CORS_ORIGINS, ...edge]);
    expect(origins({}, 'api')).toEqual([...DEFAULT_CORS_ORIGINS, ...edge]);
  });

  it('what the caller set instead of the defaults, once each; PRODUCTION_ORIGIN passes through', () => {
    expect(origins({ CORS_ALLOWED_ORIGINS: 'https://app.example, http://127.0.0.1:8000' })).toEqual(['https://app.example', 'http://127.0.0.1:8000', 'http://localhost:8000']);
    expect(serviceEnvOf({ env: { PRODUCTION_ORIGIN: 'https://app.example' } }, 'api', ports(8001, 9001)).PRODUCTION_ORIGIN).toBe('https://app.example');
  });

  it('follows the edge’s port, and leaves the worker (no browser talks to it) alone', () => {
    expect(serviceEnvOf({ env: {} }, 'api', { port: 1, opsPort: 2, edgePort: 18000 }).CORS_ALLOWED_ORIGINS).toContain('http://127.0.0.1:18000');
    expect(serviceEnvOf({ env: {} }, 'advice-worker', ports(8003, 9003)).CORS_ALLOWED_ORIGINS).toBeUndefined();
  });
});
