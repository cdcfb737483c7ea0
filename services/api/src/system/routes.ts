import { z } from 'zod';
import { envelopeOf } from '@aurawell/protocol';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { SLOW_REQUEST_SECONDS } from '../http/middleware';
import type { RequestTimings } from '../http/timings';

export const WELCOME_MESSAGE = 'Welcome to AuraWell Health Assistant API v1.0.0';
export const HEALTHY_MESSAGE = 'AuraWell API is healthy and running';

const PerformanceData = z.object({
  cache_hit_rate: z.number(),
  slow_endpoints: z.record(z.string(), z.number()),
  cache_stats: z.object({ hits: z.int(), misses: z.int(), errors: z.int() }),
  cache_enabled: z.boolean(),
  timestamp: z.string(),
});

/**
 * Route 50. Slow endpoints are measured (mean of each endpoint's last 100 requests over 0.5 s);
 * the api keeps no response cache, and says so rather than inventing a hit rate.
 */
const performance = (timings: RequestTimings) =>
  endpoint(null, {
    method: 'get',
    path: '/api/v1/system/performance',
    summary: 'Request timing and cache statistics of this api process',
    tag: 'system',
    auth: false,
    response: envelopeOf(PerformanceData.nullable()),
    handle: ({ res }) =>
      sendSuccess(res, 'Performance metrics retrieved successfully', {
        cache_hit_rate: 0,
        slow_endpoints: timings.slowEndpoints(SLOW_REQUEST_SECONDS),
        cache_stats: { hits: 0, misses: 0, errors: 0 },
        cache_enabled: false,
        timestamp: new Date().toISOString(),
      }),
  });

/** Routes 51 (`GET /`), 49 (`GET /api/v1/health`) and 50 (`GET /api/v1/system/performance`). */
export const systemRoutes = (timings: RequestTimings): Endpoint[] => [
  performance(timings),
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
