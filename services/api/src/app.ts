import type { Keys, Logger, RedisClient, Registry, TicketStore, TokenService } from '@aurawell/platform';
import type { ReminderQueue } from '@aurawell/reminders';
import type { Pool } from '@aurawell/db';
import express from 'express';
import { achievementRoutes } from './achievements/routes';
import { adviceRoutes } from './advice/routes';
import { frontendAliasRoutes } from './aliases/routes';
import { authRoutes } from './auth/routes';
import { chatRoutes } from './chat/routes';
import type { ApiConfig } from './config';
import { familyRoutes } from './family/routes';
import type { GenerationClient } from './generations/client';
import { healthGoalRoutes, userGoalRoutes } from './goals/routes';
import { healthRoutes } from './health/routes';
import type { Endpoint } from './http/endpoint';
import { errorHandler } from './http/errors';
import './http/locals';
import { corsPolicy, createHttpMetrics, hostCheck, requestContext } from './http/middleware';
import { mountRoutes } from './http/routes';
import { securityHeaders } from './http/security-headers';
import { RequestTimings } from './http/timings';
import { planRoutes } from './plans/routes';
import { reminderRoutes } from './reminders/routes';
import { mountDocs } from './http/docs';
import { systemRoutes } from './system/routes';
import { mountWebApp } from './system/web-app';
import { userRoutes } from './user/routes';

/** Everything the routes draw on; each feature's routes take only the part they use. */
export type AppDeps = {
  config: ApiConfig;
  logger: Logger;
  registry: Registry;
  pool: Pool;
  redis: RedisClient;
  keys: Keys;
  tokens: TokenService;
  tickets: TicketStore;
  /** Starts generations on the shared queue and follows their frames (chat, SSE, advice). */
  generations: GenerationClient;
  /** The reminder queue (job schedulers and delayed jobs the advice-worker consumes). */
  reminders: ReminderQueue;
};

/** Every route of the api, in matching order (also the order of the OpenAPI document). */
export const apiRoutes = (deps: AppDeps, timings: RequestTimings = new RequestTimings()): Endpoint[] => [
  ...systemRoutes(timings),
  ...authRoutes(deps),
  ...chatRoutes(deps),
  ...userRoutes(deps),
  ...userGoalRoutes(deps),
  ...healthRoutes(deps),
  ...healthGoalRoutes(deps),
  ...adviceRoutes(deps),
  ...planRoutes(deps),
  ...achievementRoutes(deps),
  ...familyRoutes(deps),
  ...reminderRoutes(deps),
  ...frontendAliasRoutes(deps),
];

/** The api as an Express app, not yet listening (tests drive it with supertest). */
export const createApp = (deps: AppDeps): express.Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  // Express's own ETag hashes the whole body, whose envelope differs on every answer (timestamp,
  // request id): it never matched, and cost a hash per answer. Tags are set where they mean
  // something: revalidating routes (http/caching.ts) and the web page.
  app.set('etag', false);
  // req.ip (the throttles' client IP) from X-Forwarded-For only as far as TRUST_PROXY's proxies wrote it.
  app.set('trust proxy', deps.config.TRUST_PROXY);
  const httpMetrics = createHttpMetrics(deps.registry);
  app.use(requestContext(deps.logger, httpMetrics));
  app.use(securityHeaders());
  app.use(hostCheck(deps.config.ALLOWED_HOSTS));
  app.use(corsPolicy(deps.config.CORS_ALLOWED_ORIGINS));
  const endpoints = apiRoutes(deps, httpMetrics.timings);
  mountWebApp(app, deps.logger);
  mountDocs(app, endpoints);
  mountRoutes(app, endpoints);
  app.use(errorHandler(deps.logger));
  return app;
};
