import type { Express, RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Endpoint } from './endpoint';
import { buildAsyncApi } from '@aurawell/protocol';
import { buildOpenApi } from './openapi';
import { docsContentSecurityPolicy } from './security-headers';

/**
 * `/openapi.json` and the interactive docs at `/docs`, built from the endpoints' own schemas, and
 * `/asyncapi.json`, the WebSocket protocol built from the protocol package's frame schemas.
 * Mounted before the routes; outside the 51 routes of the contract, as in the original.
 */
export const mountDocs = (app: Express, endpoints: readonly Endpoint[]): void => {
  const document = buildOpenApi(endpoints);
  app.get('/openapi.json', (_req, res) => {
    res.locals.route = '/openapi.json';
    res.json(document);
  });
  const asyncApi = buildAsyncApi();
  app.get('/asyncapi.json', (_req, res) => {
    res.locals.route = '/asyncapi.json';
    res.json(asyncApi);
  });
  const tag: RequestHandler = (_req, res, next) => {
    res.locals.route = '/docs';
    next();
  };
  const options = { customSiteTitle: 'AuraWell API' };
  const csp = docsContentSecurityPolicy(swaggerUi.generateHTML(document, options));
  app.use('/docs', tag, csp, swaggerUi.serve, swaggerUi.setup(document, options));
};
