import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, TestClient } from './support/ws-client';

// What a developer meets in the first minutes with the stack `pnpm start` runs (issue 13): the
// page's own origin gets a WebSocket through the edge, and `pnpm ask` answers in the terminal.
const run = promisify(execFile);
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const edgeOrigin = (host: string) => `http://${host}:${new URL(sys.stack.edgeUrl).port}`;

test.each(['127.0.0.1', 'localhost'])('a browser WebSocket from the page’s own origin (http://%s:<edge port>) is admitted through the edge', async (host) => {
  const client = await connect(await sys.wsUrl('origin_user'), { origin: edgeOrigin(host) });
  expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'origin_user' });
  client.close();
});

test('other origins stay refused (HTTP 403): only the stack’s own were added', async () => {
  for (const origin of ['https://evil.example', 'http://127.0.0.1:1']) {
    const client = new TestClient(await sys.wsUrl('origin_user'), { origin });
    await expect(client.opened).rejects.toThrow('HTTP 403');
  }
});

const askCli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/devstack/src/ask-cli.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AURAWELL_URL: sys.stack.edgeUrl },
  });

test('pnpm ask logs in as the demo user, prints exactly the streamed answer and exits 0', async () => {
  const question = `我最近睡眠不好 ${randomUUID()}`;
  const { stdout, stderr } = await askCli([question]);
  const sent = sys.sim.transcripts().filter((t) => t.lastUserMessage === question);
  expect(sent).toHaveLength(1);
  expect(stdout).toBe(`${sent[0]!.content}\n`);
  expect(stderr).toBe('');
});

test('pnpm ask with a wrong password exits 1 with one line saying why', async () => {
  const failed = await askCli(['--password', 'not-the-password', 'hello']).then(
    () => null,
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  expect(failed).toMatchObject({ code: 1, stdout: '' });
  expect(failed?.stderr).toBe('ask failed: login as demo_user failed: HTTP 401 Invalid username or password\n');
});
