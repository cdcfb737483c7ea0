import { serviceEnvOf } from './stack';

describe('serviceEnvOf (the environment `pnpm start` and the e2e tests give each service)', () => {
  it('binds every listener of every service to loopback by default', () => {
    for (const service of ['api', 'ws-gateway', 'advice-worker'] as const) {
      expect(serviceEnvOf({ env: { REDIS_URL: 'redis://x' } }, service, 8001, 9001)).toMatchObject({ HOST: '127.0.0.1', OPS_HOST: '127.0.0.1', REDIS_URL: 'redis://x' });
    }
  });

  it('binds where the caller’s environment says: HOST for both, OPS_HOST for the ops port alone', () => {
    expect(serviceEnvOf({ env: { HOST: '0.0.0.0' } }, 'api', 8001, 9001)).toMatchObject({ HOST: '0.0.0.0', OPS_HOST: '0.0.0.0' });
    expect(serviceEnvOf({ env: { OPS_HOST: '0.0.0.0' } }, 'api', 8001, 9001)).toMatchObject({ HOST: '127.0.0.1', OPS_HOST: '0.0.0.0' });
    expect(serviceEnvOf({ env: {}, serviceEnv: { 'ws-gateway': { HOST: '::' } } }, 'ws-gateway', 8002, 9002)).toMatchObject({ HOST: '::', OPS_HOST: '::' });
  });

  it('gives the ports: the worker’s only port is its ops port', () => {
    expect(serviceEnvOf({ env: {} }, 'api', 8001, 9001)).toMatchObject({ PORT: '8001', OPS_PORT: '9001' });
    expect(serviceEnvOf({ env: {} }, 'advice-worker', 8003, 9003)).toMatchObject({ PORT: '9003', OPS_PORT: '9003' });
  });
});
