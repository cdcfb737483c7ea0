import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildWebApp } from './build';

// `pnpm --dir packages/web build`: the page as static files in dist/ (for a CDN or a look at the
// bundle's size); the api does not need them, it builds the same files in memory.
const main = async (): Promise<void> => {
  const out = join(__dirname, '..', 'dist');
  const assets = await buildWebApp();
  await mkdir(out, { recursive: true });
  const files: [string, string][] = [['index.html', assets.html], ['app.js', assets.js], ['app.css', assets.css]];
  for (const [name, text] of files) {
    await writeFile(join(out, name), text);
    process.stdout.write(`${name.padEnd(11)} ${Buffer.byteLength(text)} bytes\n`);
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
