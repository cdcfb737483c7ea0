import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Routes 10–15: profile, health data, user health goals. */
export const userRoutes = (_deps: AppDeps): Endpoint[] => [];
