export * from './edge';
export * from './harness-env';
export * from './ports';
export * from './process';
export * from './stack';
export * from './nginx';
export { ensureBuilt } from './build';
