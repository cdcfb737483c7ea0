import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Routes 16–21: health summary, activity, sleep, health goals. */
export const healthRoutes = (_deps: AppDeps): Endpoint[] => [];
