import type { Express, Response } from 'express';
import { buildWebApp, type WebAssets } from '@aurawell/web';
import type { Logger } from '@aurawell/platform';
import { textTag } from '../http/caching';

/** Same origin only: the page talks to this api and to the gateways behind the same edge. */
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The web chat page at `/app` (HTML), `/app/app.js` and `/app/app.css`, built in memory by esbuild
 * on the first request and kept (a failed build is retried on the next one). Mounted before the
 * routes; outside the 51 routes of the contract, like the docs.
 */
export const mountWebApp = (app: Express, logger: Logger): void => {
  let assets: Promise<WebAssets> | null = null;
  const load = (): Promise<WebAssets> => {
    assets ??= buildWebApp().catch((err: unknown) => {
      assets = null;
      throw err;
    });
    return assets;
  };
  // The assets never change once built: each one's ETag is taken once (the app sets none by itself).
  const tags = new Map<string, string>();
  const serve = (route: string, type: string, pick: (a: WebAssets) => string) => async (_req: unknown, res: Response) => {
    res.locals.route = route;
    try {
      const body = pick(await load());
      if (!tags.has(route)) tags.set(route, textTag(body));
      res.set({ 'content-type': type, 'cache-control': 'no-cache', etag: tags.get(route), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
      res.send(body);
    } catch (err) {
      logger.error({ err }, 'web page build failed');
      res.status(500).type('text/plain').send('the web page could not be built');
    }
  };
  app.get(['/app', '/app/'], serve('/app', 'text/html; charset=utf-8', (a) => a.html));
  app.get('/app/app.js', serve('/app/app.js', 'text/javascript; charset=utf-8', (a) => a.js));
  app.get('/app/app.css', serve('/app/app.css', 'text/css; charset=utf-8', (a) => a.css));
};
