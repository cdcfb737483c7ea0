import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, transform } from 'esbuild';

/** The page's three files, ready to serve. */
export type WebAssets = { html: string; js: string; css: string };

const SRC = __dirname;

/**
 * Builds the page in memory: `page/main.ts` and everything it imports (the client SDK, the
 * protocol's types) bundled and minified into one script, the stylesheet minified, the HTML as is.
 * Nothing is written to disk, so a fresh clone needs no build step and a read-only image works.
 */
export const buildWebApp = async (): Promise<WebAssets> => {
  const [bundle, html, rawCss] = await Promise.all([
    build({
      entryPoints: [join(SRC, 'page/main.ts')],
      bundle: true,
      minify: true,
      write: false,
      format: 'iife',
      target: ['es2020'],
      platform: 'browser',
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(join(SRC, 'index.html'), 'utf8'),
    readFile(join(SRC, 'app.css'), 'utf8'),
  ]);
  const js = bundle.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no output');
  const css = (await transform(rawCss, { loader: 'css', minify: true })).code;
  return { html, js, css };
};
