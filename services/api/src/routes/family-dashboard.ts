import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Routes 45–48: family report, leaderboard, challenges. */
export const familyDashboardRoutes = (_deps: AppDeps): Endpoint[] => [];
