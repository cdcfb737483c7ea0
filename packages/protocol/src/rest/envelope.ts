import { z } from 'zod';

/**
 * The REST response shapes of contract §1.2 and the error bodies of §1.3. The api validates and
 * documents its routes with them (OpenAPI); clients take only the inferred types.
 */

const envelopeFields = {
  success: z.literal(true),
  status: z.literal('success'),
  message: z.string(),
  timestamp: z.string().describe('UTC, ISO 8601'),
  request_id: z.string().describe('UUID v4, also in X-Request-ID'),
};

/** Style E: the payload in `data`. */
export const envelopeOf = <T extends z.ZodType>(data: T) => z.object({ ...envelopeFields, data });

/** Style F: envelope with `data: null` (or a list) and extra top-level fields. */
export const flatOf = <S extends z.ZodRawShape>(fields: S, data: z.ZodType = z.null()) => z.object({ ...envelopeFields, data, ...fields });

export const PaginationMeta = z.object({
  page: z.int(),
  page_size: z.int(),
  total_items: z.int(),
  total_pages: z.int(),
  has_next: z.boolean(),
  has_previous: z.boolean(),
});

/** Style P: a page of items plus `pagination`. */
export const paginatedOf = <T extends z.ZodType>(item: T) =>
  z.object({ ...envelopeFields, data: z.array(item), pagination: PaginationMeta });

/** Style M. */
export const Minimal = z.object({ success: z.literal(true), message: z.string() });

export const ErrorEnvelope = z.object({
  success: z.literal(false),
  status: z.literal('error'),
  message: z.string(),
  data: z.null(),
  error_code: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  timestamp: z.string(),
  request_id: z.string(),
});

/** The 422 body of a request that failed its schema. */
export const ValidationErrorBody = z.object({
  detail: z.array(
    z.object({
      type: z.string(),
      loc: z.array(z.union([z.string(), z.int()])),
      msg: z.string(),
      input: z.unknown(),
      ctx: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export type PaginationMeta = z.infer<typeof PaginationMeta>;
export type Minimal = z.infer<typeof Minimal>;
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
export type ValidationErrorBody = z.infer<typeof ValidationErrorBody>;
