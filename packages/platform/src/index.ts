export * from './config';
export * from './logger';
export * from './metrics';
export * from './keys';
export * from './redis';
export * from './shutdown';
export * from './ops-server';
export * from './auth';
