import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from '@aurawell/devstack';
import { checkGeneration } from '../support/checks';
import { startTestSystem, type TestSystem } from '../support/system';
import { chat, connect } from '../support/ws-client';
import { read } from './validators';

// The real nginx (Debian's package) with the production routing rules, in front of the real
// fleet: the template is rendered the way the official nginx image does it (envsubst over
// /etc/nginx/templates) and compose's upstream file gets loopback addresses instead of names.

const NGINX = '/usr/sbin/nginx';
let sys: TestSystem;
let nginx: ChildProcess | undefined;
let dir: string;
let edge: string;

const hostPort = (url: string): string => new URL(url).host;

/** compose's upstreams (deploy/nginx/upstreams.compose.conf) with each service's loopback address. */
const loopbackUpstreams = (addresses: Record<string, string>): string => {
  const conf = read('deploy/nginx/upstreams.compose.conf').replace(/^(\s*server\s+)([\w.-]+):\d+/gm, (line, lead: string, host: string) => {
    const address = addresses[host];
    if (!address) throw new Error(`no test address for upstream ${host}`);
    return `${lead}${address}`;
  });
  expect(conf).not.toMatch(/server\s+(?!127\.0\.0\.1:)/);
  return conf;
};

/** The image's 20-envsubst-on-templates.sh: substitute only the named variables. */
const renderTemplate = (vars: Record<string, string>): string => {
  const shellFormat = Object.keys(vars).map((k) => `\${${k}}`).join(' ');
  const out = execFileSync('envsubst', [shellFormat], {
    input: read('deploy/nginx/templates/default.conf.template'),
    env: { PATH: process.env.PATH, ...vars },
    encoding: 'utf8',
  });
  expect(out).not.toContain('${');
  return out;
};

beforeAll(async () => {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found: apt-get install -y nginx (.ci/run installs it)`);
  sys = await startTestSystem({ gateways: 2 });
  dir = mkdtempSync(join(tmpdir(), 'aurawell-nginx-'));
  const port = await freePort();
  const upstreams = join(dir, 'upstreams.conf');
  writeFileSync(
    upstreams,
    loopbackUpstreams({
      api: hostPort(sys.stack.apiUrl),
      'ws-gateway-1': hostPort(sys.stack.gatewayUrls[0]!),
      'ws-gateway-2': hostPort(sys.stack.gatewayUrls[1]!),
    }),
  );
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'conf.d', 'default.conf'), renderTemplate({ AURAWELL_NGINX_PORT: `127.0.0.1:${port}`, AURAWELL_NGINX_UPSTREAMS: upstreams }));
  // The main file is what the image ships (events + http including conf.d), with every path in dir.
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      `  access_log ${dir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
      `  include ${dir}/conf.d/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected the production config:\n${check.stderr}`);
  nginx = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  edge = `127.0.0.1:${port}`;
  await waitForHttp(`http://${edge}/api/v1/health`, 10000, () => nginx?.exitCode === null);
}, 120000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGQUIT'); // nginx's graceful stop
    const timer = setTimeout(() => nginx?.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await sys?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60000);

/** A chat URL through nginx, built exactly as the test system builds its edge URLs. */
const viaNginx = async (userId: string): Promise<string> => (await sys.wsUrl(userId)).replace(/^ws:\/\/[^/]+/, `ws://${edge}`);

const simulatorText = (message: string): string => {
  const sent = sys.sim.transcripts().filter((t) => t.lastUserMessage === message);
  expect(sent).toHaveLength(1);
  return sent[0]!.content;
};

/** One chat through nginx that must end `done` with exactly the simulator's text. */
const chatExactly = async (userId: string): Promise<void> => {
  const client = await connect(await viaNginx(userId));
  expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: userId });
  const message = `我最近睡眠不好，怎么办？ ${randomUUID()}`;
  const { frames } = await chat(client, message);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(simulatorText(message));
  client.close();
  await client.closed;
};

test('REST goes to the api', async () => {
  const res = await fetch(`http://${edge}/api/v1/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ success: true, status: 'success' });
  const log = readFileSync(join(dir, 'access.log'), 'utf8');
  expect(log).toMatch(/"GET \/api\/v1\/health HTTP\/1\.1" 200/);
});

/** Connections a gateway has accepted so far (its own counter on the ops port). */
const accepted = async (gateway: number): Promise<number> => {
  const res = await fetch(`http://127.0.0.1:${sys.stack.gateways[gateway]!.opsPort}/metrics`);
  const value = (await res.text()).match(/^aurawell_ws_connects_total(?:\{[^}]*\})? (\d+)/m)?.[1];
  if (value === undefined) throw new Error(`gateway ${gateway} exports no aurawell_ws_connects_total`);
  return Number(value);
};

test('a WebSocket upgrade with a token reaches a gateway and a health_chat completes with the exact text', async () => {
  await chatExactly('user_001');
});

test('new connections are spread over both gateways (no stickiness)', async () => {
  const before = await Promise.all([accepted(0), accepted(1)]);
  for (let i = 0; i < 4; i++) {
    const client = await connect(await viaNginx('user_002'));
    client.close();
    await client.closed;
  }
  const after = await Promise.all([accepted(0), accepted(1)]);
  expect(after[0]! - before[0]! + after[1]! - before[1]!).toBe(4);
  expect(after[0]! - before[0]!).toBeGreaterThan(0);
  expect(after[1]! - before[1]!).toBeGreaterThan(0);
});

test('after a gateway is killed, new connections through nginx still succeed and chats complete', async () => {
  const killed = sys.stack.gateways[0]!;
  killed.signal('SIGKILL');
  await killed.exited;
  // Round robin would send every other connection to the dead gateway; nginx must skip it.
  for (let i = 0; i < 6; i++) {
    const client = await connect(await viaNginx('user_002'));
    expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'user_002' });
    client.close();
    await client.closed;
  }
  await chatExactly('user_001');
  expect(readFileSync(join(dir, 'error.log'), 'utf8')).toMatch(/connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
}, 60000);
