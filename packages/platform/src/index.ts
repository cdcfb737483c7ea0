// Infrastructure only: configuration, logging, metrics, Redis, keys, queues, auth, shutdown.
export * from './config';
export * from './logger';
export * from './metrics';
export * from './keys';
export * from './redis';
export * from './shutdown';
export * from './ops-server';
export * from './auth';
export * from './queues';
export * from './service';
export * from './redis-metrics';
