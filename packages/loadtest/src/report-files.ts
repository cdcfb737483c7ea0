import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `<dir>/<name>.json` (the data) and `<dir>/<name>.<ext>` (its rendering); returns both paths. */
export const writeReportFiles = (dir: string, name: string, data: unknown, ext: string, rendered: string): { json: string; rendered: string } => {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const path = join(dir, `${name}.${ext}`);
  writeFileSync(json, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(path, rendered);
  return { json, rendered: path };
};
