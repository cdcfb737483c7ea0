import { z } from 'zod';
import type { Request } from 'express';
import { queryInt, refuseUnstorableStrings, RequestValidationError, toValidationDetail } from './validate';

const detailOf = (schema: z.ZodType, data: unknown, location: 'body' | 'query' = 'body') => {
  const result = schema.safeParse(data);
  if (result.success) throw new Error('expected the parse to fail');
  return toValidationDetail(result.error.issues, location, data);
};

describe('toValidationDetail (pydantic-style 422 detail)', () => {
  it('reports a missing field with the enclosing object as input', () => {
    expect(detailOf(z.object({ a: z.string(), b: z.string() }), { a: 'x' })).toEqual([
      { type: 'missing', loc: ['body', 'b'], msg: 'Field required', input: { a: 'x' } },
    ]);
  });

  it('reports string lengths with ctx', () => {
    const schema = z.object({ name: z.string().min(1).max(3) });
    expect(detailOf(schema, { name: '' })[0]).toEqual({
      type: 'string_too_short', loc: ['body', 'name'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 },
    });
    expect(detailOf(schema, { name: 'abcd' })[0]).toMatchObject({ type: 'string_too_long', msg: 'String should have at most 3 characters', ctx: { max_length: 3 } });
  });

  it('reports number bounds like pydantic', () => {
    const schema = z.object({ n: z.number().min(1).max(90), p: z.number().gt(0) });
    const detail = detailOf(schema, { n: 91, p: 0 });
    expect(detail[0]).toMatchObject({ type: 'less_than_equal', msg: 'Input should be less than or equal to 90', ctx: { le: 90 } });
    expect(detail[1]).toMatchObject({ type: 'greater_than', msg: 'Input should be greater than 0', ctx: { gt: 0 } });
  });

  it('reports int_parsing for a query integer that is not one', () => {
    const schema = z.object({ page: queryInt({ min: 1 }) });
    expect(detailOf(schema, { page: 'abc' }, 'query')).toEqual([
      { type: 'int_parsing', loc: ['query', 'page'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' },
    ]);
    expect(schema.parse({ page: '3' })).toEqual({ page: 3 });
    expect(detailOf(schema, { page: '0' }, 'query')[0]).toMatchObject({ type: 'greater_than_equal', loc: ['query', 'page'] });
  });

  it('reports enums, patterns, wrong types and refinements', () => {
    const schema = z.object({
      role: z.enum(['owner', 'manager', 'viewer']),
      code: z.string().regex(/^[a-z]+$/),
      tags: z.array(z.string()),
      word: z.string().refine((v) => v === 'ok', 'must be ok'),
    });
    const detail = detailOf(schema, { role: 'admin', code: 'A1', tags: 'x', word: 'no' });
    expect(detail.map((d) => d.type)).toEqual(['enum', 'string_pattern_mismatch', 'list_type', 'value_error']);
    expect(detail[0]).toMatchObject({ msg: "Input should be 'owner', 'manager' or 'viewer'", ctx: { expected: "'owner', 'manager' or 'viewer'" } });
    expect(detail[1]).toMatchObject({ msg: "String should match pattern '^[a-z]+$'", ctx: { pattern: '^[a-z]+$' } });
    expect(detail[3]).toMatchObject({ msg: 'Value error, must be ok', input: 'no' });
  });

  it('reports a body that is not an object at loc ["body"]', () => {
    expect(detailOf(z.object({ a: z.string() }), 'text')).toEqual([
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'text' },
    ]);
  });
});

describe('refuseUnstorableStrings (every route, before its schemas)', () => {
  const refused = (parts: Partial<Pick<Request, 'params' | 'query' | 'body'>>) => {
    try {
      refuseUnstorableStrings({ params: {}, query: {}, body: undefined, ...parts } as Request);
      return [];
    } catch (err) {
      if (!(err instanceof RequestValidationError)) throw err;
      return err.detail;
    }
  };

  it('lets ordinary text through, emoji and Chinese included', () => {
    expect(refused({ params: { id: 'plan_1' }, query: { q: ['a', 'b'] }, body: { name: '张三 😀', n: 1, list: [{ x: null }] } })).toEqual([]);
  });

  it('names each NUL and lone surrogate by path, query or body location, in that order', () => {
    expect(refused({ params: { plan_id: '\u0000' }, query: { conversation_id: 'a\u0000' }, body: { a: [{ b: 'x\ud800' }] } })).toEqual([
      { type: 'string_nul', loc: ['path', 'plan_id'], msg: 'String should not contain the NUL character (U+0000)', input: '\u0000' },
      { type: 'string_nul', loc: ['query', 'conversation_id'], msg: 'String should not contain the NUL character (U+0000)', input: 'a\u0000' },
      { type: 'string_unicode', loc: ['body', 'a', 0, 'b'], msg: 'Input should be a valid string, unable to parse raw data as a unicode string', input: 'x\ud800' },
    ]);
  });

  it('checks object keys and a body that is a bare string', () => {
    expect(refused({ body: { 'k\udc00': 1 } })).toMatchObject([{ type: 'string_unicode', loc: ['body', 'k\udc00'] }]);
    expect(refused({ body: '\u0000' })).toMatchObject([{ type: 'string_nul', loc: ['body'] }]);
  });

  it('lists at most 20', () => {
    expect(refused({ body: Array.from({ length: 50 }, () => '\u0000') })).toHaveLength(20);
  });
});
