import type { AppDeps } from '../app';
import type { Endpoint } from '../http/endpoint';

/** Routes 36–44: families, members, invitations, permissions, switch-member. */
export const familyRoutes = (_deps: AppDeps): Endpoint[] => [];
