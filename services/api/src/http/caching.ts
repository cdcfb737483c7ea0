import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { withoutPerResponseFields } from './envelope';

/**
 * A route whose data changes rarely answers conditional GETs: `true`, or the fields of its `data`
 * that only stamp when the answer was made (a report's generation time), left out of the ETag.
 */
export type Revalidation = true | { stamps: readonly string[] };

/**
 * Every answer of the api is per user or of the moment (a health check, a ticket, a token), so
 * none may be stored by a shared cache, nor kept on a device unless the route opts in: health data
 * and chat turns are sensitive, and a device that kept them could not tell when another changed them.
 */
const NO_STORE = 'private, no-store';

/** A revalidating route's 200: the browser may keep it but must ask each time (another device may write at any time). */
const REVALIDATE = 'private, no-cache';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const omit = (value: unknown, keys: readonly string[]): unknown =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) : value;

/** A weak ETag of a text: what it names is the text, whatever bytes (compression, say) carry it. */
export const textTag = (text: string): string => `W/"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;

/**
 * A weak ETag of what the answer says to this user: the body without the envelope's per-response
 * fields (and the route's stamps), keyed on the user, so a write changes it at once and one user's
 * tag never matches another user's answer. Weak: the bytes differ (timestamp, request id).
 */
export const dataTag = (userId: string, body: unknown, revalidation: Revalidation): string => {
  const stable = withoutPerResponseFields(body);
  const tagged = revalidation !== true && isRecord(stable) ? { ...stable, data: omit(stable.data, revalidation.stamps) } : stable;
  return textTag(`${userId}\n${String(JSON.stringify(tagged))}`);
};

/** On a 200, sets the ETag and answers 304 with no body when the client already has it (no serialisation then). */
const answerConditionally = (req: Request, res: Response, revalidation: Revalidation): void => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode !== 200) return json(body);
    res.setHeader('Cache-Control', REVALIDATE);
    res.setHeader('ETag', dataTag(res.locals.userId ?? '', body, revalidation));
    // req.fresh: GET or HEAD, a 2xx so far, and If-None-Match naming this tag (weak comparison).
    if (req.fresh) return res.status(304).end();
    return json(body);
  };
};

/**
 * The first handler of every endpoint: `Cache-Control: private, no-store` on whatever it answers
 * (errors included); a revalidating route's 200 then gets its ETag and `private, no-cache` instead.
 */
export const cachePolicy =
  (revalidation: Revalidation | undefined): RequestHandler =>
  (req, res, next) => {
    res.setHeader('Cache-Control', NO_STORE);
    if (revalidation) answerConditionally(req, res, revalidation);
    next();
  };
