import request from 'supertest';
import { buildTestApp, useTestApp, useTestEnv, UUID_V4, type TestApp } from './testing';

const env = useTestEnv({ seed: false });
const api = useTestApp(env);

const ENVELOPE_KEYS = ['data', 'message', 'request_id', 'status', 'success', 'timestamp'];

describe.each([
  ['/', 'Welcome to AuraWell Health Assistant API v1.0.0'],
  ['/api/v1/health', 'AuraWell API is healthy and running'],
])('GET %s', (path, message) => {
  it('answers the success envelope with every field', async () => {
    const res = await request(api.app).get(path);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(res.body).toMatchObject({ success: true, status: 'success', message, data: null });
    expect(res.body.request_id).toMatch(UUID_V4);
    expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(Math.abs(Date.parse(res.body.timestamp) - Date.now())).toBeLessThan(10_000);
  });

  it('sets X-Request-ID (the body request_id) and X-Process-Time', async () => {
    const res = await request(api.app).get(path);
    expect(res.headers['x-request-id']).toBe(res.body.request_id);
    expect(res.headers['x-process-time']).toMatch(/^\d+\.\d+$/);
    expect(Number.isFinite(Number(res.headers['x-process-time']))).toBe(true);
  });
});

describe('request id', () => {
  it('echoes a sane incoming X-Request-ID in header and body', async () => {
    const res = await request(api.app).get('/api/v1/health').set('X-Request-ID', 'trace-abc.123');
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    expect(res.body.request_id).toBe('trace-abc.123');
  });

  it.each([['x'.repeat(129)], ['has spaces in it'], ['<script>']])('replaces %s with a new UUID', async (incoming) => {
    const res = await request(api.app).get('/api/v1/health').set('X-Request-ID', incoming);
    expect(res.body.request_id).toMatch(UUID_V4);
    expect(res.headers['x-request-id']).toBe(res.body.request_id);
  });
});

describe('unknown paths and methods', () => {
  it('answers 404 {"detail":"Not Found"} for an unknown path, without envelope', async () => {
    const res = await request(api.app).get('/api/v1/no-such-route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found' });
    expect(res.headers['x-process-time']).toBeDefined();
  });

  it('matches paths case-sensitively', async () => {
    expect((await request(api.app).get('/API/V1/HEALTH')).status).toBe(404);
  });

  it('answers 405 {"detail":"Method Not Allowed"} for a known path with another method', async () => {
    const del = await request(api.app).delete('/api/v1/health');
    expect(del.status).toBe(405);
    expect(del.body).toEqual({ detail: 'Method Not Allowed' });
    const get = await request(api.app).get('/api/v1/auth/login');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('does not parse bodies on unknown paths', async () => {
    const res = await request(api.app).post('/api/v1/nowhere').set('Content-Type', 'application/json').send('{oops');
    expect(res.status).toBe(404);
  });
});

describe('host check', () => {
  it.each(['evil.example.com', 'aurawell.com', 'localhost.evil.com'])('rejects Host %s with 400 plain text', async (host) => {
    const res = await request(api.app).get('/api/v1/health').set('Host', host);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('Invalid host header');
  });

  it.each(['localhost:8001', '127.0.0.1', 'api.aurawell.com:443', 'testserver'])('accepts Host %s', async (host) => {
    expect((await request(api.app).get('/api/v1/health').set('Host', host)).status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (app: TestApp['app'], origin: string) =>
    request(app)
      .options('/api/v1/auth/login')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

  it('answers a preflight from an allowed origin with the contract headers', async () => {
    const res = await preflight(api.app, 'http://localhost:5173');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,PUT,DELETE,OPTIONS');
    expect(res.headers['access-control-max-age']).toBe('86400');
    expect(res.headers['access-control-allow-headers']).toContain('Authorization');
    expect(res.headers['access-control-allow-headers']).toContain('If-Modified-Since');
    expect(res.headers.vary).toContain('Origin');
  });

  it('gives no CORS headers to another origin', async () => {
    const res = await preflight(api.app, 'http://evil.example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
    expect(res.headers.vary).toContain('Origin');
  });

  it('exposes the listed headers on an actual request', async () => {
    const res = await request(api.app).get('/api/v1/health').set('Origin', 'http://127.0.0.1:3000');
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
    expect(res.headers['access-control-expose-headers']).toBe('Content-Length,Content-Range,X-Total-Count');
  });

  it('allows PRODUCTION_ORIGIN when set', async () => {
    const prod = buildTestApp(env, { PRODUCTION_ORIGIN: 'https://app.aurawell.com' });
    const res = await preflight(prod.app, 'https://app.aurawell.com');
    expect(res.headers['access-control-allow-origin']).toBe('https://app.aurawell.com');
  });
});

describe('metrics', () => {
  it('labels requests by route pattern, never by raw path', async () => {
    const fresh = buildTestApp(env);
    await request(fresh.app).get('/api/v1/health');
    await request(fresh.app).get('/api/v1/users/user_001/secret');
    const text = await fresh.registry.metrics();
    expect(text).toMatch(/aurawell_http_requests_total\{method="GET",route="\/api\/v1\/health",status="200"[^}]*\} 1/);
    expect(text).toMatch(/aurawell_http_requests_total\{method="GET",route="unmatched",status="404"[^}]*\} 1/);
    expect(text).toMatch(/aurawell_http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/v1\/health"[^}]*\} 1/);
    expect(text).not.toContain('user_001');
  });
});
