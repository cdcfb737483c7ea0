import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Routes 24–34: health plans and templates. */
export const planRoutes = (_deps: AppDeps): Endpoint[] => [];
