import { Agent, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_PLAN_ID } from '../seed/plans';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { bearerFor } from '../testing-health';
import { buildTestApp, closeTestEnv, openTestEnv, type TestApp, type TestEnv } from '../testing';

// Every route of the api, taken from its own OpenAPI document, with hostile strings in each path
// parameter, query parameter and body string field: never a 5xx, always a JSON body.

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  exclusiveMinimum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  default?: unknown;
};
type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: Schema };
type Operation = { parameters: Parameter[]; requestBody?: { content: { 'application/json': { schema: Schema } } } };
type Case = { method: string; path: string; what: string; body?: string };
type Answer = { status: number; type: string; text: string };

/** Raw, already percent-encoded: NUL, a lone surrogate (UTF-8 of U+D800), malformed escapes, a long value under Node's 16 KiB header limit. */
const URL_VALUES = ['%00', 'a%00b', '%ED%A0%80', '%FF%FE', '%E0%A4%A', '%', 'x'.repeat(8000)];
/** Body strings (sent JSON-escaped, so "\ud800" arrives as a lone surrogate). */
const BODY_VALUES = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '%FF%FE', '%E0%A4%A', '%', 'x'.repeat(100_000)];
/** The values every route must refuse before doing anything (used where a valid request would start a model generation). */
const REFUSED_URL_VALUES = ['%00', 'a%00b'];
const REFUSED_BODY_VALUES = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy'];
/** Routes that start a generation when the request is valid; the worker is not running here. */
const GENERATING = new Set([
  'post /api/v1/chat', 'post /api/v1/chat/message', 'post /api/v1/chat/stream',
  'post /api/v1/health/advice/comprehensive', 'post /api/v1/health/advice/quick',
]);
/** Real ids for the path parameters that are not being fuzzed, so query and body checks run past the lookup. */
const PATH_SAMPLES: Record<string, string> = { family_id: DEMO_FAMILY_ID, plan_id: DEMO_PLAN_ID, template_id: 'template_weight_loss_beginner' };

const variant = (s: Schema): Schema => s.oneOf?.[0] ?? s.anyOf?.[0] ?? s;

/** A plausible value for `s`: required fields only, enums' first value, strings within their lengths. */
const sample = (schema: Schema): unknown => {
  const s = variant(schema);
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (s.type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {})]));
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => sample(s.items ?? {}));
    case 'integer':
    case 'number':
      return (s.minimum ?? 1) + (s.exclusiveMinimum ? 1 : 0);
    case 'boolean':
      return true;
    case 'string':
      return 'fuzz'.padEnd(s.minLength ?? 0, 'z').slice(0, s.maxLength ?? Infinity);
    default:
      return null;
  }
};

/** Paths to every string in a body of schema `s` (a free-form object gets one key of its own). */
const stringFields = (schema: Schema, at: (string | number)[] = []): (string | number)[][] => {
  const s = variant(schema);
  if (s.type === 'string') return [at];
  if (s.type === 'array') return s.items ? stringFields(s.items, [...at, 0]) : [];
  if (s.type !== 'object' && !s.properties) return [];
  const own = Object.entries(s.properties ?? {}).flatMap(([k, p]) => stringFields(p, [...at, k]));
  return s.additionalProperties ? [...own, [...at, 'fuzz']] : own;
};

const withValue = (base: unknown, at: (string | number)[], value: unknown): unknown => {
  const [head, ...rest] = at;
  if (head === undefined) return value;
  const container: unknown = typeof head === 'number' ? [] : {};
  const into = (base !== null && typeof base === 'object' ? structuredClone(base) : container) as Record<string | number, unknown>;
  into[head] = withValue(into[head], rest, value);
  return into;
};

const urlOf = (path: string, params: Parameter[], fuzzed?: { name: string; value: string }): string => {
  const value = (p: Parameter): string =>
    p.name === fuzzed?.name ? fuzzed.value : encodeURIComponent(String(PATH_SAMPLES[p.name] ?? sample(p.schema) ?? 'fuzz'));
  const filled = path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(params.find((p) => p.name === name && p.in === 'path') as Parameter));
  const query = params.filter((p) => p.in === 'query' && (p.required || p.name === fuzzed?.name)).map((p) => `${p.name}=${value(p)}`);
  return query.length > 0 ? `${filled}?${query.join('&')}` : filled;
};

/** Every request the fuzz sends for one operation. */
const casesOf = (method: string, path: string, op: Operation): Case[] => {
  const generating = GENERATING.has(`${method} ${path}`);
  const params = op.parameters ?? [];
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const base = bodySchema && !generating ? sample(bodySchema) : {};
  const baseBody = bodySchema ? JSON.stringify(base) : undefined;
  const cases: Case[] = params.flatMap((p) =>
    (generating ? REFUSED_URL_VALUES : URL_VALUES).map((value) => ({ method, path: urlOf(path, params, { name: p.name, value }), what: `${p.in} ${p.name}=${value.slice(0, 20)}`, body: baseBody })),
  );
  if (!bodySchema) return cases;
  const url = urlOf(path, params);
  for (const at of stringFields(bodySchema)) {
    for (const value of generating ? REFUSED_BODY_VALUES : BODY_VALUES) {
      cases.push({ method, path: url, what: `body ${at.join('.')}=${JSON.stringify(value.slice(0, 20))}`, body: JSON.stringify(withValue(base, at, value)) });
    }
  }
  cases.push({ method, path: url, what: 'body key NUL', body: JSON.stringify({ '\u0000': 'x' }) });
  return cases;
};

let env: TestEnv;
let api: TestApp;
let server: Server;
let authorization: string;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  env = await openTestEnv();
  api = buildTestApp(env, { CHAT_TIMEOUT_MS: '1000' });
  authorization = await bearerFor(api, 'user_001');
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await closeTestEnv(env);
});

/** One request with the path sent byte for byte as given (no client-side URL normalisation). */
const send = (c: Case): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const headers: Record<string, string> = { authorization, host: '127.0.0.1' };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const req = httpRequest({ host: '127.0.0.1', port, method: c.method.toUpperCase(), path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(c.body);
  });

const isJson = (a: Answer): boolean => {
  try {
    JSON.parse(a.text);
    return a.type.startsWith('application/json');
  } catch {
    return false;
  }
};

/** Runs `cases` a few at a time; the failures, described. */
const failuresOf = async (cases: Case[], concurrency = 4): Promise<string[]> => {
  const failures: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let c = cases[next++]; c; c = cases[next++]) {
      const answer = await send(c);
      if (answer.status >= 500 || !isJson(answer)) {
        failures.push(`${c.method.toUpperCase()} ${c.path.slice(0, 120)} [${c.what}] → ${answer.status} ${answer.text.slice(0, 160)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return failures;
};

test('every route answers hostile path, query and body strings with a JSON 4xx/2xx, never a 5xx', async () => {
  const doc = JSON.parse((await send({ method: 'get', path: '/openapi.json', what: 'document' })).text) as { paths: Record<string, Record<string, Operation>> };
  const cases = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) => casesOf(method, path, op)));
  // Every route with a parameter or a body is exercised (a guard against the walk silently skipping some).
  expect(new Set(cases.map((c) => c.path.split('?')[0])).size).toBeGreaterThan(40);
  expect(await failuresOf(cases)).toEqual([]);
});

test('the reported cases answer 4xx naming the field', async () => {
  const at = async (method: string, path: string, body?: unknown) => {
    const answer = await send({ method, path, what: '', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: answer.status, body: JSON.parse(answer.text) as { detail?: { loc: unknown[] }[]; message?: string } };
  };
  const locOf = (r: { body: { detail?: { loc: unknown[] }[] } }) => r.body.detail?.[0]?.loc;
  const profile = await at('put', '/api/v1/user/profile', { display_name: 'a\u0000b' });
  expect([profile.status, locOf(profile)]).toEqual([422, ['body', 'display_name']]);
  const family = await at('post', '/api/v1/family', { name: '\u0000' });
  expect([family.status, locOf(family)]).toEqual([422, ['body', 'name']]);
  const surrogate = await at('post', '/api/v1/family', { name: 'x\ud800' });
  expect([surrogate.status, locOf(surrogate), surrogate.body.detail?.[0]]).toEqual([422, ['body', 'name'], expect.objectContaining({ type: 'string_unicode' })]);
  const history = await at('get', '/api/v1/chat/history?conversation_id=%00');
  expect([history.status, locOf(history)]).toEqual([422, ['query', 'conversation_id']]);
  const plan = await at('get', '/api/v1/health-plan/plans/%00');
  expect([plan.status, locOf(plan)]).toEqual([422, ['path', 'plan_id']]);
  const badEscape = await at('get', '/api/v1/family/%FF%FE');
  expect([badEscape.status, badEscape.body.message]).toEqual([400, 'Malformed percent-encoding in the URL']);
  const deep = await send({ method: 'post', path: '/api/v1/family', what: '', body: '['.repeat(100_000) + ']'.repeat(100_000) });
  expect([deep.status, deep.type, JSON.parse(deep.text).message]).toEqual([400, expect.stringMatching(/^application\/json/), 'JSON body is nested deeper than 64 levels']);
});
