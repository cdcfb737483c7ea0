export * from './codes';
export * from './client-frames';
export * from './server-frames';
export * from './jobs';
export * from './parse';
export * from './frames';
export * from './sync-frames';
export * from './asyncapi';
