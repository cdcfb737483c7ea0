import type { TokenService } from '@aurawell/platform';
import { paginatedOf } from '@aurawell/protocol';
import { endpoint, type Endpoint } from '../http/endpoint';
import { createGoalHandler, listGoalsHandler, pageGoalsHandler, type GoalDeps } from './health-goals';
import { HealthGoalPageQuery } from './query';
import { HealthGoal, HealthGoalRequest, HealthGoalsResponse, UserHealthGoal, UserHealthGoalRequest, UserHealthGoalsResponse } from './schemas';
import { createUserGoalHandler, listUserGoalsHandler } from './user-goals';

export type GoalRouteDeps = GoalDeps & { tokens: TokenService };

/** Routes 14–15: the goals a user keeps on their profile. */
export const userGoalRoutes = (deps: GoalRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/user/health-goals',
    summary: "The caller's health goals, measured from stored records where the type has a measure",
    tag: 'user',
    auth: true,
    response: UserHealthGoalsResponse,
    errors: [500],
    revalidate: true,
    handle: listUserGoalsHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/user/health-goals',
    summary: 'Create a health goal (bare body, no envelope)',
    tag: 'user',
    auth: true,
    body: UserHealthGoalRequest,
    response: UserHealthGoal,
    errors: [500],
    handle: createUserGoalHandler(deps),
  }),
];

/** Routes 19–21: health goals measured from stored records. */
export const healthGoalRoutes = (deps: GoalRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/health/goals',
    summary: 'Create a health goal (bare body, no envelope)',
    tag: 'health',
    auth: true,
    body: HealthGoalRequest,
    response: HealthGoal,
    errors: [500],
    handle: createGoalHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/goals',
    summary: "The caller's health goals with progress measured from stored records",
    tag: 'health',
    auth: true,
    response: HealthGoalsResponse,
    errors: [500],
    revalidate: true,
    handle: listGoalsHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/goals/paginated',
    summary: "A page of the caller's health goals, filtered and sorted",
    tag: 'health',
    auth: true,
    query: HealthGoalPageQuery,
    response: paginatedOf(HealthGoal),
    errors: [500],
    revalidate: true,
    handle: pageGoalsHandler(deps),
  }),
];
