import { z } from 'zod';
import { ErrorEnvelope, ValidationErrorBody } from '@aurawell/protocol';
import type { Endpoint, EndpointDoc } from './endpoint';

type JsonSchema = Record<string, unknown>;
type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema; description?: string };

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** Path and query parameters from the object schemas that validate them. */
const parametersOf = (schema: z.ZodType | undefined, location: 'path' | 'query'): Parameter[] => {
  if (!schema) return [];
  const props = (toSchema(schema, 'input').properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((toSchema(schema, 'input').required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
};

const errorResponses = (doc: EndpointDoc): Record<string, unknown> => {
  const statuses = new Set(doc.errors ?? []);
  if (doc.auth) [401, 403].forEach((s) => statuses.add(s));
  const out: Record<string, unknown> = {};
  for (const status of [...statuses].sort()) out[String(status)] = { description: `Error ${status}`, content: json(toSchema(ErrorEnvelope, 'output')) };
  if (doc.body || doc.query || doc.params) out['422'] = { description: 'Request validation failed', content: json(toSchema(ValidationErrorBody, 'output')) };
  return out;
};

const operationOf = (doc: EndpointDoc) => ({
  summary: doc.summary,
  ...(doc.description ? { description: doc.description } : {}),
  tags: [doc.tag],
  operationId: `${doc.method}${doc.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
  security: doc.auth ? [{ bearerAuth: [] }] : [],
  parameters: [...parametersOf(doc.params, 'path'), ...parametersOf(doc.query, 'query')],
  ...(doc.body ? { requestBody: { required: true, content: json(toSchema(doc.body, 'input')) } } : {}),
  responses: { '200': { description: 'OK', content: json(toSchema(doc.response, 'output')) }, ...errorResponses(doc) },
});

/** The OpenAPI 3.0 document of every endpoint, generated from their zod schemas. */
export const buildOpenApi = (endpoints: readonly Endpoint[]) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { doc } of endpoints) (paths[doc.path] ??= {})[doc.method] = operationOf(doc);
  return {
    openapi: '3.0.3',
    info: {
      title: 'AuraWell Health Assistant API',
      version: '1.0.0',
      description: 'REST API of AuraWell. Streaming chat: WebSocket `/ws/chat/{user_id}` or SSE `POST /api/v1/chat/stream`.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
};
