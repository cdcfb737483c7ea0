import type { Keys, Logger, Redis, Registry, TicketStore, TokenService } from '@aurawell/platform';
import type { ReminderQueue } from '@aurawell/reminders';
import type { Pool } from '@aurawell/db';
import express from 'express';
import type { GenerationClient } from './chat/generations';
import type { ApiConfig } from './config';
import { errorHandler } from './http/errors';
import { corsPolicy, createHttpMetrics, hostCheck, requestContext } from './http/middleware';
import { securityHeaders } from './http/security-headers';
import type { Endpoint } from './http/endpoint';
import { mountRoutes } from './http/routes';
import { RequestTimings } from './http/timings';
import { mountDocs } from './routes/docs';
import { mountWebApp } from './routes/web-app';
import './http/locals';
import { achievementRoutes } from './routes/achievements';
import { adviceRoutes } from './routes/advice';
import { authRoutes } from './routes/auth';
import { chatRoutes } from './routes/chat';
import { registerRoutes } from './routes/register';
import { reminderRoutes } from './routes/reminders';
import { chatStreamRoutes } from './routes/chat-stream';
import { conversationTitleRoutes } from './routes/conversation-title';
import { familyRoutes } from './routes/family';
import { familyDashboardRoutes } from './routes/family-dashboard';
import { frontendAliasRoutes } from './routes/frontend-aliases';
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
  /** The reminder queue (job schedulers and delayed jobs the advice-worker consumes). */
  reminders: ReminderQueue;
};

/** Every route of the api, in matching order. */
export const apiRoutes = (deps: AppDeps, timings: RequestTimings = new RequestTimings()): Endpoint[] => [
  ...systemRoutes(timings),
  ...authRoutes(deps),
  ...registerRoutes(deps),
  ...wsTicketRoutes(deps),
  ...chatRoutes(deps),
  ...chatStreamRoutes(deps),
  ...conversationTitleRoutes(deps),
  ...userRoutes(deps),
  ...healthRoutes(deps),
  ...adviceRoutes(deps),
  ...planRoutes(deps),
  ...achievementRoutes(deps),
  ...familyRoutes(deps),
  ...familyDashboardRoutes(deps),
  ...reminderRoutes(deps),
  ...frontendAliasRoutes(deps),
];

/** The api as an Express app, not yet listening (tests drive it with supertest). */
export const createApp = (deps: AppDeps): express.Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
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
