import { sendSuccess } from '../http/envelope';
import { route, type RouteDef } from '../http/routes';

export const WELCOME_MESSAGE = 'Welcome to AuraWell Health Assistant API v1.0.0';
export const HEALTHY_MESSAGE = 'AuraWell API is healthy and running';

/** Routes 51 (`GET /`) and 49 (`GET /api/v1/health`): public, envelope with `data: null`. */
export const systemRoutes = (): RouteDef[] => [
  route('get', '/', (_req, res) => sendSuccess(res, WELCOME_MESSAGE)),
  route('get', '/api/v1/health', (_req, res) => sendSuccess(res, HEALTHY_MESSAGE)),
];
