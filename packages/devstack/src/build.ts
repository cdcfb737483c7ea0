import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { workspaceBundling } from './bundle-plugin';
import { REPO_ROOT, SERVICES, type ServiceName } from './process';

/** Each service's bundles: dist/<name>.js from each entry (paths from the service's directory). */
const ENTRIES: Record<ServiceName, Record<string, string>> = {
  api: { index: 'src/index.ts', 'seed-cli': 'src/seed-cli.ts', 'migrate-cli': '../../packages/db/src/migrate-cli.ts' },
  'ws-gateway': { index: 'src/index.ts' },
  'advice-worker': { index: 'src/index.ts' },
};

/** What the last build read and when it started: the bundles are fresh while none of it changed since. */
type Manifest = { startedAt: number; inputs: string[] };

const MANIFEST = 'build-manifest.json';
// A change to how bundles are made makes them stale too.
const BUILDER_FILES = ['build.ts', 'bundle-plugin.ts'].map((f) => join(__dirname, f));

export const distDir = (service: ServiceName): string => join(REPO_ROOT, 'services', service, 'dist');

/** Written beside and renamed over: a process starting meanwhile reads the old file or the new one, never half of one. */
const writeAtomically = (path: string, contents: Uint8Array): void => {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
};

/** Bundles one service into services/<name>/dist/ (with source maps: stacks point at the TypeScript). */
export const buildService = async (service: ServiceName): Promise<void> => {
  const dir = join(REPO_ROOT, 'services', service);
  const outdir = distDir(service);
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ENTRIES[service],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [workspaceBundling(dir, outdir)],
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes(':')).map((p) => join(dir, p));
  const manifest: Manifest = { startedAt, inputs: [...inputs, ...BUILDER_FILES] };
  writeAtomically(join(outdir, MANIFEST), Buffer.from(JSON.stringify(manifest)));
};

export const buildServices = async (services: readonly ServiceName[] = SERVICES): Promise<void> => {
  await Promise.all(services.map(buildService));
};

/** True when the service's bundles exist and none of their sources changed since they were built. */
export const isFresh = (service: ServiceName): boolean => {
  try {
    const manifest = JSON.parse(readFileSync(join(distDir(service), MANIFEST), 'utf8')) as Manifest;
    const outputs = Object.keys(ENTRIES[service]).map((name) => join(distDir(service), `${name}.js`));
    return outputs.every((f) => existsSync(f)) && manifest.inputs.every((f) => statSync(f).mtimeMs < manifest.startedAt);
  } catch {
    return false; // no manifest, or an input is gone
  }
};

/** Rebuilds the services whose bundles are stale (a fresh check costs a few hundred stat calls). */
export const ensureBuilt = async (services: readonly ServiceName[] = SERVICES): Promise<void> => {
  await buildServices(services.filter((s) => !isFresh(s)));
};
