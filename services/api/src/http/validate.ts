import type { Request } from 'express';
import { z } from 'zod';

/**
 * Request validation in the shape FastAPI/pydantic answer with (contract §1.3): 422 and
 * `{"detail": [{type, loc, msg, input, ctx?}]}`, no envelope. Route modules export their zod
 * schemas so the OpenAPI document can be generated from them.
 */
export type Location = 'body' | 'query' | 'path';
export type ValidationDetail = {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
};

/** Rendered by the error middleware as 422 `{detail}`. */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
  readonly detail: ValidationDetail[];

  constructor(detail: ValidationDetail[]) {
    super('request validation failed');
    this.detail = detail;
  }
}

type Issue = z.core.$ZodIssue;
type Mapped = Pick<ValidationDetail, 'type' | 'msg' | 'ctx'>;

const plural = (n: number | bigint, word: string): string => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

const valueAt = (data: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), data);

const invalidType = (expected: string, input: unknown, atRoot: boolean): Mapped => {
  const isString = typeof input === 'string';
  switch (expected) {
    case 'string':
      return { type: 'string_type', msg: 'Input should be a valid string' };
    case 'int':
      if (typeof input === 'number') return { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' };
      return isString
        ? { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' }
        : { type: 'int_type', msg: 'Input should be a valid integer' };
    case 'number':
      return isString
        ? { type: 'float_parsing', msg: 'Input should be a valid number, unable to parse string as a number' }
        : { type: 'float_type', msg: 'Input should be a valid number' };
    case 'boolean':
      return isString
        ? { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input' }
        : { type: 'bool_type', msg: 'Input should be a valid boolean' };
    case 'object':
      return atRoot
        ? { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from' }
        : { type: 'dict_type', msg: 'Input should be a valid dictionary' };
    case 'array':
      return { type: 'list_type', msg: 'Input should be a valid list' };
    default:
      return { type: `${expected}_type`, msg: `Input should be a valid ${expected}` };
  }
};

const sizeIssue = (issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, input: unknown): Mapped => {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  if (issue.origin === 'string') {
    return small
      ? { type: 'string_too_short', msg: `String should have at least ${plural(limit, 'character')}`, ctx: { min_length: limit } }
      : { type: 'string_too_long', msg: `String should have at most ${plural(limit, 'character')}`, ctx: { max_length: limit } };
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    const actual = Array.isArray(input) ? input.length : 0;
    return small
      ? { type: 'too_short', msg: `List should have at least ${plural(limit, 'item')} after validation, not ${actual}`, ctx: { field_type: 'List', min_length: limit, actual_length: actual } }
      : { type: 'too_long', msg: `List should have at most ${plural(limit, 'item')} after validation, not ${actual}`, ctx: { field_type: 'List', max_length: limit, actual_length: actual } };
  }
  const inclusive = issue.inclusive !== false;
  if (small) {
    return inclusive
      ? { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${limit}`, ctx: { ge: limit } }
      : { type: 'greater_than', msg: `Input should be greater than ${limit}`, ctx: { gt: limit } };
  }
  return inclusive
    ? { type: 'less_than_equal', msg: `Input should be less than or equal to ${limit}`, ctx: { le: limit } }
    : { type: 'less_than', msg: `Input should be less than ${limit}`, ctx: { lt: limit } };
};

const quoteList = (values: readonly unknown[]): string => {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
};

/** One zod issue in pydantic's words. */
const mapIssue = (issue: Issue, input: unknown): Mapped => {
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? { type: 'missing', msg: 'Field required' }
        : invalidType(issue.expected, input, issue.path.length === 0);
    case 'too_small':
    case 'too_big':
      return sizeIssue(issue, input);
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string') {
        const pattern = issue.pattern.replace(/^\/(.*)\/[a-z]*$/, '$1');
        return { type: 'string_pattern_mismatch', msg: `String should match pattern '${pattern}'`, ctx: { pattern } };
      }
      return { type: 'value_error', msg: `Value error, ${issue.message}` };
    case 'invalid_value': {
      // zod reports an absent enum/literal as a wrong value; pydantic calls it missing.
      if (input === undefined) return { type: 'missing', msg: 'Field required' };
      const expected = quoteList(issue.values);
      return issue.values.length === 1
        ? { type: 'literal_error', msg: `Input should be ${expected}`, ctx: { expected } }
        : { type: 'enum', msg: `Input should be ${expected}`, ctx: { expected } };
    }
    case 'custom':
      // A check may name its pydantic type itself: `params: { type: 'int_parsing' }`, message as msg.
      return typeof issue.params?.type === 'string'
        ? { type: issue.params.type, msg: issue.message }
        : { type: 'value_error', msg: `Value error, ${issue.message}` };
    default:
      return { type: 'value_error', msg: `Value error, ${issue.message}` };
  }
};

/** The `detail` entries for a failed parse of `data` found at `location`. */
export const toValidationDetail = (issues: readonly Issue[], location: Location, data: unknown): ValidationDetail[] =>
  issues.map((issue) => {
    const input = valueAt(data, issue.path);
    const mapped = mapIssue(issue, input);
    const shown = mapped.type === 'missing' ? valueAt(data, issue.path.slice(0, -1)) : input;
    const loc = [location, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { type: mapped.type, loc, msg: mapped.msg, input: shown ?? null, ...(mapped.ctx ? { ctx: mapped.ctx } : {}) };
  });

const parseAt = <S extends z.ZodType>(schema: S, data: unknown, location: Location): z.output<S> => {
  const result = schema.safeParse(data);
  if (!result.success) throw new RequestValidationError(toValidationDetail(result.error.issues, location, data));
  return result.data;
};

/** At most this many refused strings are listed in one answer. */
const MAX_STRING_ISSUES = 20;

/**
 * Why a string from the request is refused whatever the route: PostgreSQL text cannot hold
 * U+0000, and a lone surrogate is no Unicode at all (it would be stored as something else).
 */
const refusedString = (s: string): Mapped | null => {
  if (s.includes('\u0000')) return { type: 'string_nul', msg: 'String should not contain the NUL character (U+0000)' };
  if (!s.isWellFormed()) return { type: 'string_unicode', msg: 'Input should be a valid string, unable to parse raw data as a unicode string' };
  return null;
};

/** Every refused string (or object key) in `value`, depth first, into `out`. */
const collectRefused = (value: unknown, loc: (string | number)[], out: ValidationDetail[]): void => {
  if (out.length >= MAX_STRING_ISSUES) return;
  if (typeof value === 'string') {
    const refused = refusedString(value);
    if (refused) out.push({ type: refused.type, loc, msg: refused.msg, input: value });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const refusedKey = typeof key === 'string' ? refusedString(key) : null;
    if (refusedKey) out.push({ type: refusedKey.type, loc: [...loc, key], msg: refusedKey.msg, input: key });
    else collectRefused(item, [...loc, key], out);
  }
};

/**
 * The one check every route gets before its schemas: no string in the path, the query or the
 * body may hold U+0000 or be malformed UTF-16. Throws RequestValidationError (422, `loc` naming
 * the field) otherwise. Body nesting is bounded before parsing (json-depth.ts), so this recursion is too.
 */
export const refuseUnstorableStrings = (req: Request): void => {
  const out: ValidationDetail[] = [];
  collectRefused(req.params, ['path'], out);
  collectRefused(req.query, ['query'], out);
  collectRefused(req.body, ['body'], out);
  if (out.length > 0) throw new RequestValidationError(out);
};

/** The request body parsed by `schema`; throws RequestValidationError (422) otherwise. */
export const parseBody = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => {
  const body: unknown = req.body;
  if (body === undefined || body === null) {
    throw new RequestValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  }
  return parseAt(schema, body, 'body');
};

/** The query string parsed by `schema` (values arrive as strings; see `queryInt`). */
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => parseAt(schema, req.query, 'query');

/** Path parameters parsed by `schema`. */
export const parsePath = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => parseAt(schema, req.params, 'path');

const INT_TEXT = /^\s*[-+]?\d+\s*$/;

/** An integer query/path parameter: numeric strings become numbers, anything else fails as `int_parsing`. */
export const queryInt = (bounds: { min?: number; max?: number } = {}) => {
  let int = z.int();
  if (bounds.min !== undefined) int = int.min(bounds.min);
  if (bounds.max !== undefined) int = int.max(bounds.max);
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (INT_TEXT.test(value)) return Number(value);
    ctx.addIssue({
      code: 'custom',
      message: 'Input should be a valid integer, unable to parse string as an integer',
      params: { type: 'int_parsing' },
      input: value,
    });
    return z.NEVER;
  }, int);
};

/** The longest date range one query may ask for (routes 17, 18 and 21). */
export const MAX_RANGE_DAYS = 365;

/** Characters refused in free text that is shown back to other people. */
export const UNSAFE_TEXT = /[<>"';\\]/;

/** Run an object-level check only when every field passed, as a pydantic model validator does. */
export const whenFieldsValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
