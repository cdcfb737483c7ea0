export * from './database';
export * from './redis';
export * from './ws-wire';
export * from './redis-cluster';
export * from './test-certs';
