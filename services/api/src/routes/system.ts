import { z } from 'zod';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { envelopeOf } from '../http/schemas';

export const WELCOME_MESSAGE = 'Welcome to AuraWell Health Assistant API v1.0.0';
export const HEALTHY_MESSAGE = 'AuraWell API is healthy and running';

/** Routes 51 (`GET /`) and 49 (`GET /api/v1/health`): public, envelope with `data: null`. */
export const systemRoutes = (): Endpoint[] => [
  endpoint(null, {
    method: 'get',
    path: '/',
    summary: 'Welcome message',
    tag: 'system',
    auth: false,
    response: envelopeOf(z.null()),
    handle: ({ res }) => sendSuccess(res, WELCOME_MESSAGE),
  }),
  endpoint(null, {
    method: 'get',
    path: '/api/v1/health',
    summary: 'Liveness of the API',
    tag: 'system',
    auth: false,
    response: envelopeOf(z.null()),
    handle: ({ res }) => sendSuccess(res, HEALTHY_MESSAGE),
  }),
];
