export { buildWebApp } from './build';
export type { WebAssets } from './build';
