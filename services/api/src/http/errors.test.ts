import { createLogger, createMetricsRegistry } from '@aurawell/platform';
import express from 'express';
import request from 'supertest';
import { errorCodeForStatus, errorHandler, HttpError, jsonErrorPosition } from './errors';
import { createHttpMetrics, requestContext } from './middleware';
import { mountRoutes, route } from './routes';

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
