import type { Express, RequestHandler } from 'express';
import { methodNotAllowed, notFound } from './errors';
import { jsonBody } from './middleware';

export type Method = 'get' | 'post' | 'put' | 'delete';

/**
 * One route of the api: method, Express path pattern, its handlers in order, and whether it
 * reads a JSON body (all but GET do, unless `withoutBody`).
 */
export type RouteDef = { method: Method; path: string; handlers: RequestHandler[]; body: boolean };

export const route = (method: Method, path: string, ...handlers: RequestHandler[]): RouteDef => ({
  method,
  path,
  handlers,
  body: method !== 'get',
});

/** A route that ignores any body (nothing is parsed, so nothing can fail to parse). */
export const withoutBody = (def: RouteDef): RouteDef => ({ ...def, body: false });

/** Names the matched pattern for metrics and logs (never the raw path: it can hold ids). */
const tagRoute =
  (path: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.route = path;
    next();
  };

/**
 * Mounts the routes, then answers 405 on their paths for any other method and 404 elsewhere.
 * Bodies are parsed only on a matched route that takes one, so a bad body on an unknown path
 * is still a 404.
 */
export const mountRoutes = (app: Express, defs: readonly RouteDef[]): void => {
  for (const def of defs) {
    const parse = def.body ? [jsonBody] : [];
    app.route(def.path)[def.method](tagRoute(def.path), ...parse, ...def.handlers);
  }
  const methodsByPath = new Map<string, string[]>();
  for (const def of defs) {
    const methods = methodsByPath.get(def.path) ?? [];
    methods.push(def.method.toUpperCase(), ...(def.method === 'get' ? ['HEAD'] : []));
    methodsByPath.set(def.path, methods);
  }
  for (const [path, methods] of methodsByPath) app.route(path).all(tagRoute(path), methodNotAllowed(methods));
  app.use(notFound);
};
