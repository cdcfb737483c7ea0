import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Route 35: achievements computed from stored activity. */
export const achievementRoutes = (_deps: AppDeps): Endpoint[] => [];
