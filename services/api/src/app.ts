import type { Keys, Logger, Redis, Registry, TicketStore, TokenService } from '@aurawell/platform';
import type { Pool } from '@aurawell/db';
import express from 'express';
import type { ApiConfig } from './config';
import { errorHandler } from './http/errors';
import { corsPolicy, createHttpMetrics, hostCheck, requestContext } from './http/middleware';
import { mountRoutes, type RouteDef } from './http/routes';
import './http/locals';
import { authRoutes } from './routes/auth';
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
};

/** Every route of the api, in matching order. */
export const apiRoutes = (deps: AppDeps): RouteDef[] => [
  ...systemRoutes(),
  ...authRoutes(deps),
  ...wsTicketRoutes(deps),
];

/** The api as an Express app, not yet listening (tests drive it with supertest). */
export const createApp = (deps: AppDeps): express.Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.use(requestContext(deps.logger, createHttpMetrics(deps.registry)));
  app.use(hostCheck(deps.config.ALLOWED_HOSTS));
  app.use(corsPolicy(deps.config.CORS_ALLOWED_ORIGINS));
  mountRoutes(app, apiRoutes(deps));
  app.use(errorHandler(deps.logger));
  return app;
};
