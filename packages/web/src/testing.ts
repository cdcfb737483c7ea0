import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * For tests in a real browser: page/markdown.ts bundled as a script that puts its functions on
 * `window.awMarkdown`, to add to a blank page. The same source and libraries as the page's bundle.
 */
export const markdownScript = async (): Promise<string> => {
  const out = await build({
    stdin: { contents: "import * as m from './markdown'; (window as any).awMarkdown = m;", resolveDir: join(__dirname, 'page'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no output');
  return js;
};

/** The browser side of `markdownScript`, for `page.evaluate` callbacks. */
export type MarkdownWindow = { awMarkdown: typeof import('./page/markdown') };
