import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, waitForHttp } from '@aurawell/devstack';
import type { TestSystem } from './system';

// The real nginx (Debian's package) with the production routing rules, in front of a test
// system: the template is rendered the way the official nginx image does it (envsubst over
// /etc/nginx/templates) and compose's upstream file gets loopback addresses instead of names.

export const NGINX = '/usr/sbin/nginx';
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const hostPort = (url: string): string => new URL(url).host;

/** compose's upstreams (deploy/nginx/upstreams.compose.conf) with each service's loopback address. */
export const loopbackUpstreams = (addresses: Record<string, string>): string =>
  read('deploy/nginx/upstreams.compose.conf').replace(/^(\s*server\s+)([\w.-]+):\d+/gm, (_line, lead: string, host: string) => {
    const address = addresses[host];
    if (!address) throw new Error(`no test address for upstream ${host}`);
    return `${lead}${address}`;
  });

/** The image's 20-envsubst-on-templates.sh: substitute only the named variables. */
export const renderTemplate = (vars: Record<string, string>): string =>
  execFileSync('envsubst', [Object.keys(vars).map((k) => `\${${k}}`).join(' ')], {
    input: read('deploy/nginx/templates/default.conf.template'),
    env: { PATH: process.env.PATH, ...vars },
    encoding: 'utf8',
  });

/** The main file the image ships (events + http including conf.d), with every path in `dir`. */
const mainConf = (dir: string): string =>
  [
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
    `  include ${dir}/conf.d/*.conf;`,
    '}',
    '',
  ].join('\n');

export type Nginx = { host: string; upstreams: string; siteConf: string; readLog(name: 'access' | 'error'): string; stop(): Promise<void> };

/** nginx on a free loopback port in front of `sys` (api and its first two gateways). */
export const startNginx = async (sys: TestSystem): Promise<Nginx> => {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found: apt-get install -y nginx (.ci/run installs it)`);
  const dir = mkdtempSync(join(tmpdir(), 'aurawell-nginx-'));
  const port = await freePort();
  const upstreamsPath = join(dir, 'upstreams.conf');
  const upstreams = loopbackUpstreams({
    api: hostPort(sys.stack.apiUrl),
    'ws-gateway-1': hostPort(sys.stack.gatewayUrls[0]!),
    'ws-gateway-2': hostPort(sys.stack.gatewayUrls[1]!),
  });
  writeFileSync(upstreamsPath, upstreams);
  mkdirSync(join(dir, 'conf.d'));
  const siteConf = renderTemplate({ AURAWELL_NGINX_PORT: `127.0.0.1:${port}`, AURAWELL_NGINX_UPSTREAMS: upstreamsPath });
  writeFileSync(join(dir, 'conf.d', 'default.conf'), siteConf);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, mainConf(dir));
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected the production config:\n${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const host = `127.0.0.1:${port}`;
  await waitForHttp(`http://${host}/api/v1/health`, 10000, () => child.exitCode === null);
  return {
    host,
    upstreams,
    siteConf,
    readLog: (name) => readFileSync(join(dir, `${name}.log`), 'utf8'),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT'); // nginx's graceful stop
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A system URL (ws:// or http://) re-pointed at nginx. */
export const throughNginx = (url: string, nginx: Nginx): string => url.replace(/^(ws|http):\/\/[^/]+/, `$1://${nginx.host}`);
