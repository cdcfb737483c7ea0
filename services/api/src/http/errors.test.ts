import { createLogger, createMetricsRegistry } from '@aurawell/platform';
import express from 'express';
import request from 'supertest';
import { routeFault } from './route-fault';
import { useTestEnv } from '../testing';
import { boundedInput, errorCodeForStatus, errorHandler, HttpError, jsonErrorPosition } from './errors';
import { createHttpMetrics, requestContext } from './middleware';
import { mountRoutes, route } from './routes';
import { RequestValidationError } from './validate';

const env = useTestEnv({ seed: false });
beforeAll(async () => {
  await env.pool.query('CREATE TABLE short_text (t varchar(3))');
});

/** Queries PostgreSQL refuses as a data exception, by the SQLSTATE they raise. */
const BAD_QUERIES: Record<string, [string, unknown[]]> = {
  '22021': ['SELECT $1::text AS t', ['a\u0000b']],
  '22P02': ["SELECT 'not-a-uuid'::uuid AS t", []],
  '22003': ['SELECT $1::int4 AS t', ['99999999999']],
  '22001': ['INSERT INTO short_text (t) VALUES ($1)', ['abcd']],
};

/** A RequestValidationError whose input is nested `depth` levels deep (built without recursion). */
const deepInput = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

/** The api's real middleware chain around routes that fail on purpose. */
const appWith = () => {
  const logger = createLogger('api-test', 'silent');
  const app = express();
  app.use(requestContext(logger, createHttpMetrics(createMetricsRegistry('api'))));
  mountRoutes(app, [
    route('get', '/http/:status', (req) => {
      throw new HttpError(Number(req.params.status), 'nope');
    }),
    route('get', '/crash', () => {
      throw new TypeError('boom');
    }),
    route('get', '/async-crash', async () => {
      await Promise.resolve();
      throw new RangeError('later boom');
    }),
    route('post', '/echo', (req, res) => void res.json({ got: req.body })),
    route('get', '/item/:id', (req, res) => void res.json({ id: req.params.id })),
    route('get', '/db/:code', async (req, res) => {
      const [sql, params] = BAD_QUERIES[String(req.params.code)] ?? ['SELECT 1', []];
      res.json((await env.pool.query(sql, params)).rows);
    }),
    route('get', '/db-wrapped/:code', async (req, res) => {
      const [sql, params] = BAD_QUERIES[String(req.params.code)] ?? ['SELECT 1', []];
      res.json(await env.pool.query(sql, params).catch(routeFault(logger, 'Failed to read', {})));
    }),
    route('get', '/invalid/:kind', (req) => {
      const input = req.params.kind === 'deep' ? deepInput(100_000) : req.params.kind === 'long' ? 'x'.repeat(100_000) : 10n;
      throw new RequestValidationError([{ type: 'value_error', loc: ['body', 'a'], msg: 'Value error, no', input }]);
    }),
  ]);
  app.use(errorHandler(logger));
  return app;
};

describe('error middleware', () => {
  const app = appWith();

  it.each([
    [401, 'AUTH_1004'], [403, 'AUTH_1005'], [404, 'USER_1201'], [422, 'VALIDATION_1101'], [429, 'EXTERNAL_1502'],
    [500, 'SYSTEM_1701'], [502, 'EXTERNAL_1501'], [503, 'SYSTEM_1702'], [400, 'SYSTEM_1701'], [409, 'SYSTEM_1701'],
  ])('renders HttpError %i as an envelope with %s and details.path', async (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
    const res = await request(app).get(`/http/${status}`);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      success: false, status: 'error', message: 'nope', data: null, error_code: code,
      details: { path: `/http/${status}` }, timestamp: expect.stringMatching(/Z$/), request_id: res.headers['x-request-id'],
    });
  });

  it.each([['/crash', 'TypeError'], ['/async-crash', 'RangeError']])('turns a fault in %s into 500 SYSTEM_1701', async (path, type) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      success: false, message: 'Internal server error', error_code: 'SYSTEM_1701', data: null,
      details: { path, exception_type: type },
    });
    expect((await request(app).get('/http/404')).status).toBe(404);
  });

  it('answers 413 with an envelope for a body over the limit', async () => {
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send(`{"a":"${'x'.repeat(1_100_000)}"}`);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, error_code: 'SYSTEM_1701' });
  });
});

describe('bad input never answers 500', () => {
  const app = appWith();

  it.each(['%FF%FE', '%E0%A4%A', '%', '%ED%A0%80'])('answers malformed percent-encoding %s in a path parameter with 400 JSON', async (raw) => {
    const res = await request(app).get(`/item/${raw}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, message: 'Malformed percent-encoding in the URL', error_code: 'SYSTEM_1701', details: { path: `/item/${raw}` } });
  });

  it.each(Object.keys(BAD_QUERIES))('answers PostgreSQL data exception %s with 422 VALIDATION_1101, also through a route that wraps its faults', async (code) => {
    for (const path of [`/db/${code}`, `/db-wrapped/${code}`]) {
      const res = await request(app).get(path);
      expect([res.status, res.body.error_code, res.body.message]).toEqual([422, 'VALIDATION_1101', 'Invalid input data provided']);
    }
  });

  it('answers a JSON body nested 100,000 levels deep with 400 JSON, refused before parsing', async () => {
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send('['.repeat(100_000) + ']'.repeat(100_000));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, message: 'JSON body is nested deeper than 64 levels' });
  });

  it('still takes a body nested 64 levels deep, and brackets inside strings do not count', async () => {
    const body = `${'['.repeat(63)}{"s":"[[[[\\\"{{{{"}${']'.repeat(63)}`;
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body.got).toEqual(JSON.parse(body));
  });

  it('renders a 422 whose input is too deep, too long or not serialisable as JSON with the FastAPI shape', async () => {
    const deep = await request(app).get('/invalid/deep');
    expect(deep.status).toBe(422);
    expect(deep.body.detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'a'], msg: 'Value error, no' });
    expect(JSON.stringify(deep.body.detail[0].input)).toBe(`${'['.repeat(9)}${']'.repeat(9)}`);
    const long = await request(app).get('/invalid/long');
    expect([long.status, long.body.detail[0].input]).toEqual([422, `${'x'.repeat(1000)}…`]);
    const bigint = await request(app).get('/invalid/bigint');
    expect(bigint.status).toBe(422);
    expect(bigint.headers['content-type']).toMatch(/^application\/json/);
    expect(bigint.body).toMatchObject({ success: false, message: 'The error could not be rendered', error_code: 'VALIDATION_1101' });
  });
});

describe('boundedInput', () => {
  it('keeps small values as they are', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'x'.repeat(1000) };
    expect(boundedInput(value)).toEqual(value);
  });

  it('cuts strings, lists, objects and depth', () => {
    expect(boundedInput('y'.repeat(1001))).toBe(`${'y'.repeat(1000)}…`);
    expect(boundedInput(`${'y'.repeat(999)}\ud83d\ude00`)).toBe(`${'y'.repeat(999)}\ufffd…`);
    expect((boundedInput(Array.from({ length: 60 }, (_, i) => i)) as number[]).length).toBe(50);
    expect(Object.keys(boundedInput(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]))) as object)).toHaveLength(50);
    expect(JSON.stringify(boundedInput(deepInput(100_000)))).toBe(`${'['.repeat(9)}${']'.repeat(9)}`);
  });
});

describe('jsonErrorPosition', () => {
  it.each([
    ['{"a": }', 6],
    ['{"a": 1', 7],
    ['{x', 1],
    ['[1,]', 3],
    ['nul', 3],
  ])('finds where %s stops being JSON', (text, position) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(jsonErrorPosition(message, text)).toBe(position);
  });
});
