import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { Plugin } from 'esbuild';

const WORKSPACE_SCOPE = '@aurawell/';

type Pkg = { dir: string; name: string; main: string; dependencies: Record<string, string> };

const packages = new Map<string, Pkg>();

/** The package a directory belongs to (the nearest package.json above it). */
const packageOf = (dir: string): Pkg => {
  const cached = packages.get(dir);
  if (cached) return cached;
  let pkg: Pkg;
  try {
    const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; main?: string; exports?: Record<string, string>; dependencies?: Record<string, string> };
    pkg = { dir, name: json.name, main: join(dir, json.exports?.['.'] ?? json.main ?? 'index.js'), dependencies: json.dependencies ?? {} };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw err;
    pkg = packageOf(dirname(dir));
  }
  packages.set(dir, pkg);
  return pkg;
};

const js = (s: string): string => JSON.stringify(s);

/**
 * Run-time help of the bundle: an inlined workspace package's own require and directory, found
 * from its main file as the service's node_modules links it (resolved from the bundle).
 */
const RUNTIME = `
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
exports.packageRequire = (name) => createRequire(require.resolve(name));
exports.packageDir = (name) => dirname(require.resolve(name));
`;

/** Throws unless the service lists `owner` (a workspace package inlined into it) among its dependencies. */
const checkInlined = (service: Pkg, owner: Pkg): void => {
  if (owner.dir !== service.dir && !(owner.name in service.dependencies)) {
    throw new Error(`${owner.name} is inlined into ${service.name}, which must list it in its dependencies (the bundle finds its files through it)`);
  }
};

/**
 * Bundles one service for `node dist/<entry>.js`: the workspace's own packages (TypeScript with no
 * build of their own) are inlined; every other package stays a `require` that node resolves at run
 * time. pnpm gives each package only its own dependencies, so a package imported by an inlined
 * workspace package is required from that package's place (its main file, found through the
 * service's node_modules — in the repo and in the image `pnpm deploy` makes), and `__dirname` in
 * an inlined file still names its source directory: the SQL migrations of packages/db and the
 * page sources of packages/web are found where they are, not next to the bundle.
 */
export const workspaceBundling = (serviceDir: string, outdir: string): Plugin => ({
  name: 'aurawell-workspace',
  setup(build) {
    const service = packageOf(serviceDir);
    const inlinedDependency = (owner: Pkg): void => checkInlined(service, owner);

    // Virtual modules first: their names would otherwise pass for packages.
    build.onResolve({ filter: /^aw-(runtime|dirname:)/ }, (args) =>
      args.path === 'aw-runtime' ? { path: 'runtime', namespace: 'aw' } : { path: args.path.slice('aw-dirname:'.length), namespace: 'aw-dirname' },
    );
    build.onLoad({ filter: /.*/, namespace: 'aw' }, () => ({ contents: RUNTIME, loader: 'js' }));

    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || isBuiltin(args.path) || args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
      const owner = packageOf(args.resolveDir);
      if (owner.dir === serviceDir) return { path: args.path, external: true };
      inlinedDependency(owner);
      // Fail the build, not the service's start, when the owner cannot resolve it.
      createRequire(owner.main).resolve(args.path);
      return { path: `${owner.name}|${args.path}`, namespace: 'aw-dependency' };
    });
    build.onLoad({ filter: /.*/, namespace: 'aw-dependency' }, (args) => {
      const [owner, request] = args.path.split('|') as [string, string];
      return { contents: `module.exports = require("aw-runtime").packageRequire(${js(owner)})(${js(request)});`, loader: 'js' };
    });

    build.onLoad({ filter: /.*/, namespace: 'aw-dirname' }, (args) => {
      const owner = packageOf(args.path);
      // The service's own files sit beside dist/ wherever it is; another package's, beside its main file.
      const contents =
        owner.dir === serviceDir
          ? `module.exports = require("node:path").join(__dirname, ${js(relative(outdir, args.path))});`
          : `module.exports = require("node:path").join(require("aw-runtime").packageDir(${js(owner.name)}), ${js(relative(dirname(owner.main), args.path))});`;
      return { contents, loader: 'js' };
    });
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/\b__dirname\b/.test(source)) return undefined;
      inlinedDependency(packageOf(dirname(args.path)));
      // Prepended on the first line, so the source map's lines stay those of the file.
      const contents = `import __awDirname from ${js(`aw-dirname:${dirname(args.path)}`)}; ${source.replace(/\b__dirname\b/g, '__awDirname')}`;
      return { contents, loader: 'ts' };
    });
  },
});
