import { createHash } from 'node:crypto';
import request from 'supertest';
import { useTestApp, useTestEnv } from '../testing';
import { inlineStyleHashes } from './security-headers';

const env = useTestEnv({ seed: false });
const api = useTestApp(env);

const get = (path: string) => request(api.app).get(path).set('host', 'localhost');
const directives = (csp: string | undefined): Map<string, string[]> =>
  new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name as string, values]));
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The headers every answer carries, and the answer's CSP directives (which differ by page). */
const commonHeadersAndCsp = (res: request.Response): Map<string, string[]> => {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  const csp = directives(res.headers['content-security-policy']);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  return csp;
};

describe('headers on every answer', () => {
  it.each([
    ['a JSON route', '/api/v1/health', 200],
    ['an unknown path', '/api/v1/nowhere', 404],
    ['a refused request', '/api/v1/user/profile', 403],
    ['the OpenAPI document', '/openapi.json', 200],
  ])('%s carries nosniff, no-referrer, DENY and a CSP that loads and frames nothing', async (_what, path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(commonHeadersAndCsp(res).get('default-src')).toEqual(["'none'"]);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('/docs', () => {
  it('allows its scripts from this origin only and each inline style by hash, never unsafe-inline', async () => {
    const res = await get('/docs/');
    expect(res.status).toBe(200);
    const csp = commonHeadersAndCsp(res);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    const { blocks, attributes } = inlineStyleHashes(res.text);
    expect(blocks.length).toBeGreaterThan(0);
    expect(csp.get('style-src')).toEqual(expect.arrayContaining(["'self'", ...blocks, "'unsafe-hashes'", ...attributes]));
  });

  it('allows the <style> elements Swagger UI’s own scripts render (checked against the bundle served)', async () => {
    const csp = directives((await get('/docs/')).headers['content-security-policy']);
    const scripts = await Promise.all(['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'].map(async (f) => (await get(`/docs/${f}`)).text));
    const rendered = scripts.flatMap((js) => [...js.matchAll(/createElement\("style",null,"([^"\\]*)"\)/g)].map((m) => m[1] as string));
    expect(rendered.length).toBeGreaterThan(0);
    expect(csp.get('style-src')).toEqual(expect.arrayContaining(rendered.map(sha256)));
  });
});

test('/app keeps its same-origin CSP and gets the other headers', async () => {
  const res = await get('/app');
  expect(res.status).toBe(200);
  const csp = commonHeadersAndCsp(res);
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
});

test('inlineStyleHashes hashes the content of each <style> block and style attribute', () => {
  const html = '<style>a{}</style><div style="color:red"></div><style media="x">b{}</style><p style="color:red">';
  expect(inlineStyleHashes(html)).toEqual({ blocks: [sha256('a{}'), sha256('b{}')], attributes: [sha256('color:red')] });
});
