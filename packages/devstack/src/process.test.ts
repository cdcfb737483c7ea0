import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtScript, NODE_FLAGS, REPO_ROOT, SERVICES } from './process';

// One launch per service: the image, `pnpm --dir services/<name> start` and the stack/tests run
// the built bundle with the same node flags.
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The CMD a service's image runs: its own stage's, else the runtime stage's. */
const imageCmd = (service: string): string[] => {
  const dockerfile = read('deploy/Dockerfile');
  const stage = dockerfile.split(/^FROM /m).find((s) => s.startsWith(`runtime AS service-${service}\n`)) ?? '';
  const runtime = dockerfile.split(/^FROM /m).find((s) => s.includes(' AS runtime\n')) ?? '';
  const cmd = /^CMD (\[.*\])$/m.exec(stage) ?? /^CMD (\[.*\])$/m.exec(runtime);
  return JSON.parse(cmd![1]!) as string[];
};

test.each(SERVICES)('%s starts with the same node flags everywhere', (service) => {
  const flags = [...NODE_FLAGS[service], '--enable-source-maps'];
  expect(builtScript(service).slice(0, -1)).toEqual(flags);
  expect(imageCmd(service)).toEqual(['node', ...flags, 'dist/index.js']);
  const start = (JSON.parse(read(`services/${service}/package.json`)) as { scripts: { start: string } }).scripts.start;
  expect(start).toMatch(new RegExp(`&& exec node ${flags.join(' ')} dist/index\\.js$`));
});

test('only the service itself gets its flags, not its CLIs', () => {
  expect(builtScript('ws-gateway')).toContain('--optimize-for-size');
  expect(builtScript('api', 'seed-cli')[0]).toBe('--enable-source-maps');
});
