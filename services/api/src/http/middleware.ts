import { randomUUID } from 'node:crypto';
import { Counter, Histogram, latencyBuckets, redactUrl, type Logger, type Registry } from '@aurawell/platform';
import cors from 'cors';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { JsonTooDeepError, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';
import { RequestTimings } from './timings';

/** Requests slower than this are logged as slow (contract §1.4). */
export const SLOW_REQUEST_SECONDS = 0.5;

/** An incoming `X-Request-ID` is echoed only when it is this tame. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export type HttpMetrics = { requests: Counter<'method' | 'route' | 'status'>; duration: Histogram<'method' | 'route'>; timings: RequestTimings };

const existing = <T>(registry: Registry, name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;

/** The api's HTTP metrics, registered once per registry (a second app on the same registry reuses them). */
export const createHttpMetrics = (registry: Registry): HttpMetrics => ({
  requests:
    existing(registry, 'aurawell_http_requests_total') ??
    new Counter({
      name: 'aurawell_http_requests_total',
      help: 'HTTP requests answered, by method, matched route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
  duration:
    existing(registry, 'aurawell_http_request_duration_seconds') ??
    new Histogram({
      name: 'aurawell_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and matched route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  timings: new RequestTimings(),
});

/** Runs `fn` just before the status line and headers go out (however the response is written). */
const beforeHeaders = (res: Response, fn: () => void): void => {
  const writeHead = res.writeHead;
  res.writeHead = function patched(this: Response, ...args: unknown[]) {
    fn();
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
};

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** `X-Request-ID` (echoed or new), `X-Process-Time`, then one access-log line and the metrics. */
export const requestContext = (logger: Logger, metrics: HttpMetrics): RequestHandler => (req, res, next) => {
  const start = process.hrtime.bigint();
  const incoming = req.get('x-request-id');
  const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader('X-Request-ID', requestId);
  beforeHeaders(res, () => {
    if (!res.headersSent) res.setHeader('X-Process-Time', seconds(start).toFixed(6));
  });
  res.once('close', () => record(logger, metrics, req, res, seconds(start)));
  next();
};

const record = (logger: Logger, metrics: HttpMetrics, req: Request, res: Response, duration: number): void => {
  const route = res.locals.route ?? 'unmatched';
  const status = res.writableFinished ? res.statusCode : 499;
  metrics.requests.inc({ method: req.method, route, status: String(status) });
  metrics.duration.observe({ method: req.method, route }, duration);
  metrics.timings.record(req.method, route, duration);
  const fields = {
    requestId: res.locals.requestId,
    method: req.method,
    path: redactUrl(req.originalUrl),
    route,
    status,
    durationMs: Math.round(duration * 1e4) / 10,
    userId: res.locals.userId,
  };
  if (duration > SLOW_REQUEST_SECONDS) logger.warn(fields, 'slow request');
  else logger.info(fields, 'request');
};

/** The hostname of a Host header, without port (IPv6 literals keep their brackets). */
export const hostnameOf = (host: string | undefined): string => {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return (host.split(':')[0] ?? '').toLowerCase();
};

/** Whether `hostname` is in the list; `*.x` matches any subdomain of x, `*` anything. */
export const isHostAllowed = (allowed: readonly string[], hostname: string): boolean =>
  allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('*.')) return hostname.endsWith(p.slice(1)) && hostname.length > p.length - 1;
    return hostname === p;
  });

/** Contract §1.1: a Host outside the list gets 400 `Invalid host header`, plain text. */
export const hostCheck = (allowed: readonly string[]): RequestHandler => (req, res, next) => {
  if (isHostAllowed(allowed, hostnameOf(req.get('host')))) return next();
  res.status(400).type('text/plain').send('Invalid host header');
};

/**
 * Contract §1.6: only listed origins get CORS headers; preflights from them are answered here.
 * Every answer varies by Origin, so a shared cache never hands one origin's answer to another.
 */
export const corsPolicy = (origins: readonly string[]): RequestHandler => {
  const allowed = (origin: string | undefined): boolean => origin !== undefined && origins.includes(origin);
  const handler = cors({
    origin: (origin, callback) => callback(null, allowed(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization', 'Content-Type', 'Accept', 'Origin', 'User-Agent', 'DNT', 'Cache-Control',
      'X-Mx-ReqToken', 'Keep-Alive', 'X-Requested-With', 'If-Modified-Since',
    ],
    exposedHeaders: ['Content-Length', 'Content-Range', 'X-Total-Count'],
    maxAge: 86400,
  });
  return (req, res, next) => {
    res.vary('Origin');
    // Answered right here, before any route matches: give it a label of its own.
    if (req.method === 'OPTIONS' && allowed(req.get('origin'))) res.locals.route = 'cors_preflight';
    handler(req, res, next);
  };
};

const emptyBodies = new WeakSet<Request>();

const parseJson = express.json({
  limit: '1mb',
  strict: false,
  verify: (req, _res, buf) => {
    if (buf.length === 0) emptyBodies.add(req as Request);
    // Bounded before JSON.parse: a deep body would otherwise overflow every recursive step after it.
    if (jsonNestsDeeperThan(buf, MAX_JSON_DEPTH)) throw new JsonTooDeepError(MAX_JSON_DEPTH);
  },
});

/**
 * JSON bodies, for the routes that take one. An empty body counts as no body (FastAPI says
 * `missing`), where body-parser alone would make it `{}`.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  parseJson(req, res, (err?: unknown) => {
    if (err) return next(err);
    if (emptyBodies.has(req)) req.body = undefined;
    next();
  });
};
