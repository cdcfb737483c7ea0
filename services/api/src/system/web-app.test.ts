import request from 'supertest';
import { useTestApp, useTestEnv } from '../testing';

const env = useTestEnv({ seed: false });
const t = useTestApp(env);

test('/app serves the page, its bundle and its stylesheet, same-origin only', async () => {
  const html = await request(t.app).get('/app').set('host', 'localhost');
  expect(html.status).toBe(200);
  expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(html.headers['content-security-policy']).toContain("default-src 'self'");
  expect(html.text).toContain('<html lang="zh-CN">');
  const js = await request(t.app).get('/app/app.js').set('host', 'localhost');
  expect(js.status).toBe(200);
  expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  // One minified bundle with the client SDK inside, nothing left to load.
  expect(js.text).toContain('/api/v1/auth/login');
  expect(js.text).not.toMatch(/\brequire\(|^import /m);
  const css = await request(t.app).get('/app/app.css').set('host', 'localhost');
  expect(css.status).toBe(200);
  expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
});

test('other paths under /app are the usual 404, and GET / keeps its welcome JSON', async () => {
  const missing = await request(t.app).get('/app/nothing.js').set('host', 'localhost');
  expect(missing.status).toBe(404);
  expect(missing.body).toEqual({ detail: 'Not Found' });
  const root = await request(t.app).get('/').set('host', 'localhost');
  expect(root.status).toBe(200);
  expect(root.body).toMatchObject({ success: true, status: 'success', data: null });
});

test('the page revalidates: its ETag gets 304', async () => {
  const first = await request(t.app).get('/app/app.css').set('host', 'localhost');
  expect(first.headers['cache-control']).toBe('no-cache');
  const again = await request(t.app).get('/app/app.css').set('host', 'localhost').set('If-None-Match', first.headers.etag ?? '');
  expect(again.status).toBe(304);
});
