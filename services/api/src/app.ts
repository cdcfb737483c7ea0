import type { Keys, Logger, Redis, Registry, TicketStore, TokenService } from '@aurawell/platform';
import type { Pool } from '@aurawell/db';
import express from 'express';
import type { GenerationClient } from './chat/generations';
import type { ApiConfig } from './config';
import { errorHandler } from './http/errors';
import { corsPolicy, createHttpMetrics, hostCheck, requestContext } from './http/middleware';
import type { Endpoint } from './http/endpoint';
import { mountRoutes } from './http/routes';
import { mountDocs } from './routes/docs';
import './http/locals';
import { achievementRoutes } from './routes/achievements';
import { authRoutes } from './routes/auth';
import { chatRoutes } from './routes/chat';
import { familyRoutes } from './routes/family';
import { familyDashboardRoutes } from './routes/family-dashboard';
import { healthRoutes } from './routes/health';
import { planRoutes } from './routes/plans';
import { userRoutes } from './routes/user';
import { systemRoutes } from './routes/system';
import { wsTicketRoutes } from './routes/ws-ticket';

export type AppDeps = {
  config: ApiConfig;
  logger: Logger;
  registry: Registry;
  pool: Pool;
  redis: Redis;
  keys: Keys;
  tokens: TokenService;
  tickets: TicketStore;
  /** Starts generations on the shared queue and follows their frames (chat, SSE, advice). */
  generations: GenerationClient;
};

/** Every route of the api, in matching order. */
export const apiRoutes = (deps: AppDeps): Endpoint[] => [
  ...systemRoutes(),
  ...authRoutes(deps),
  ...wsTicketRoutes(deps),
  ...chatRoutes(deps),
  ...userRoutes(deps),
  ...healthRoutes(deps),
  ...planRoutes(deps),
  ...achievementRoutes(deps),
  ...familyRoutes(deps),
  ...familyDashboardRoutes(deps),
];

/** The api as an Express app, not yet listening (tests drive it with supertest). */
export const createApp = (deps: AppDeps): express.Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.use(requestContext(deps.logger, createHttpMetrics(deps.registry)));
  app.use(hostCheck(deps.config.ALLOWED_HOSTS));
  app.use(corsPolicy(deps.config.CORS_ALLOWED_ORIGINS));
  const endpoints = apiRoutes(deps);
  mountDocs(app, endpoints);
  mountRoutes(app, endpoints);
  app.use(errorHandler(deps.logger));
  return app;
};
