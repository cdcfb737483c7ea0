import type { TokenService } from '@aurawell/platform';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { requireAuth } from './auth';
import { cachePolicy, type Revalidation } from './caching';
import type { Method, RouteDef } from './routes';
import { parseBody, parsePath, parseQuery, refuseUnstorableStrings } from './validate';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What the OpenAPI document says of one endpoint; taken from the very schemas that validate it. */
export type EndpointDoc = {
  method: Method;
  /** OpenAPI form, `{param}`. */
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** The 200 body. */
  response: z.ZodType;
  /** Error statuses worth documenting beside the framework's 422. */
  errors?: number[];
  description?: string;
};

export type EndpointContext<B extends Schema, Q extends Schema, P extends Schema, A extends boolean> = {
  req: Request;
  res: Response;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  /** The authenticated user (empty string on public endpoints). */
  userId: A extends true ? string : '';
};

export type EndpointSpec<B extends Schema, Q extends Schema, P extends Schema, A extends boolean> = Omit<
  EndpointDoc,
  'body' | 'query' | 'params' | 'auth'
> & {
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Does the route read a JSON body even without a schema (free-form)? Defaults to `body !== undefined`. */
  readsBody?: boolean;
  /** Answer conditional GETs (ETag, 304): for data that changes rarely. Otherwise `Cache-Control: private, no-store`. */
  revalidate?: Revalidation;
  handle: (ctx: EndpointContext<B, Q, P, A>) => Promise<void> | void;
};

export type Endpoint = RouteDef & { doc: EndpointDoc };

/** `/a/{id}/b` → `/a/:id/b` for Express. */
const expressPath = (openApiPath: string): string => openApiPath.replace(/\{([^}]+)\}/g, ':$1');

/**
 * Declares an endpoint once: its schemas validate the request (422 `detail` on failure, in
 * path → query → body order) and document it in OpenAPI, so docs and validation cannot drift.
 * Before any schema, every string of the request is checked for NUL and lone surrogates. Its
 * answers are never stored by a cache, unless `revalidate` (caching.ts).
 */
export const endpoint = <B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined, A extends boolean = boolean>(
  tokens: TokenService | null,
  spec: EndpointSpec<B, Q, P, A>,
): Endpoint => {
  const run: RequestHandler = async (req, res) => {
    refuseUnstorableStrings(req);
    const params = (spec.params ? parsePath(spec.params, req) : undefined) as Out<P>;
    const query = (spec.query ? parseQuery(spec.query, req) : undefined) as Out<Q>;
    const body = (spec.body ? parseBody(spec.body, req) : undefined) as Out<B>;
    const userId = (spec.auth ? (res.locals.userId ?? '') : '') as EndpointContext<B, Q, P, A>['userId'];
    await spec.handle({ req, res, body, query, params, userId });
  };
  if (spec.auth && !tokens) throw new Error(`endpoint ${spec.method} ${spec.path} needs a token service`);
  const handlers = [cachePolicy(spec.revalidate), ...(spec.auth && tokens ? [requireAuth(tokens)] : []), run];
  const { handle: _handle, readsBody, revalidate: _revalidate, ...doc } = spec;
  return {
    method: spec.method,
    path: expressPath(spec.path),
    handlers,
    body: readsBody ?? spec.body !== undefined,
    doc: { ...doc, auth: spec.auth },
  };
};
