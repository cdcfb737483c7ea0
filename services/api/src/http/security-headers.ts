import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Every answer of the api: `nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`,
 * the cross-origin isolation headers, and a CSP that lets a JSON answer load nothing and be
 * framed by no one. Pages served here (`/docs`, `/app`) replace the CSP with their own.
 * HSTS is left to the TLS edge (nginx / the Ingress): the api cannot tell whether it is behind TLS.
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The hashes a CSP needs to allow exactly the inline `<style>` blocks and `style="…"` attributes of `html`. */
export const inlineStyleHashes = (html: string): { blocks: string[]; attributes: string[] } => ({
  blocks: [...new Set([...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => sha256(m[1] ?? '')))],
  attributes: [...new Set([...html.matchAll(/\sstyle="([^"]*)"/g)].map((m) => sha256(m[1] ?? '')))],
});

/**
 * `<style>` elements Swagger UI's own scripts render (the logo's SVG); docs.test.ts checks them
 * against the bundle served, so an upgrade that changes them fails there, not silently in a browser.
 */
export const SWAGGER_UI_SCRIPT_STYLES = ['.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}'];

/**
 * The CSP of the Swagger UI page at `/docs`: its scripts and stylesheet come from this origin;
 * its few inline styles are allowed by hash (taken from the page itself), never 'unsafe-inline'.
 * Swagger UI sets element styles from script (CSSOM), which style-src does not govern.
 */
export const docsContentSecurityPolicy = (html: string): RequestHandler => {
  const page = inlineStyleHashes(html);
  const blocks = [...page.blocks, ...SWAGGER_UI_SCRIPT_STYLES.map(sha256)];
  const { attributes } = page;
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", ...blocks, ...(attributes.length > 0 ? ["'unsafe-hashes'", ...attributes] : [])],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
};
