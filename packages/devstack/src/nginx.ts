import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './ports';
import { REPO_ROOT } from './process';

// The real nginx (Debian's package) with the production routing rules, in front of services on
// this machine: the template is rendered the way the official nginx image does it (envsubst over
// /etc/nginx/templates) and compose's upstream file gets loopback addresses instead of names.
// Used by the e2e tests (tests/support/nginx.ts) and by `pnpm loadtest --topology 2x2`.

export const NGINX = '/usr/sbin/nginx';
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const hostPort = (url: string): string => new URL(url).host;
const GATEWAY_LINE = /^(\s*server\s+)ws-gateway-\d+:\d+(.*)$/;

export const nginxInstalled = (): boolean => existsSync(NGINX);

/**
 * compose's upstreams for any number of gateways: the gateway `server` lines are replaced by one
 * per address, each with the options of compose's first gateway line (max_fails, fail_timeout).
 */
export const fleetUpstreams = (api: string, gateways: string[]): string => {
  const lines = read('deploy/nginx/upstreams.compose.conf').split('\n');
  const first = lines.findIndex((l) => GATEWAY_LINE.test(l));
  const [, lead, options] = GATEWAY_LINE.exec(lines[first] ?? '') ?? [];
  if (first < 0 || lead === undefined) throw new Error('deploy/nginx/upstreams.compose.conf has no ws-gateway server line');
  const kept = lines.filter((l, i) => i === first || !GATEWAY_LINE.test(l));
  kept.splice(first, 1, ...gateways.map((g) => `${lead}${g}${options}`));
  return kept.join('\n').replace(/^(\s*server\s+)api:\d+/m, `$1${api}`);
};

/** The image's 20-envsubst-on-templates.sh: substitute only the named variables. */
export const renderTemplate = (vars: Record<string, string>): string =>
  execFileSync('envsubst', [Object.keys(vars).map((k) => `\${${k}}`).join(' ')], {
    input: read('deploy/nginx/templates/default.conf.template'),
    env: { PATH: process.env.PATH, ...vars },
    encoding: 'utf8',
  });

/**
 * The main file the image ships (events + http including conf.d), with every path in `dir`. Its
 * http-level access log is the image's (`main`, with the whole request line): the template's own
 * must replace it, and the tests that read the log would see it if it did not.
 */
const mainConf = (dir: string, workerConnections: number): string =>
  [
    'worker_processes 1;',
    `worker_rlimit_nofile ${workerConnections + 64};`,
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    `events { worker_connections ${workerConnections}; }`,
    'http {',
    `  log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';`,
    `  access_log ${dir}/access.log main;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
    `  include ${dir}/conf.d/*.conf;`,
    '}',
    '',
  ].join('\n');

export type Nginx = { host: string; url: string; upstreams: string; siteConf: string; readLog(name: 'access' | 'error'): string; stop(): Promise<void> };

export type NginxOptions = {
  apiUrl: string;
  gatewayUrls: string[];
  /** nginx's worker_connections (a proxied WebSocket holds two); default 1024. */
  workerConnections?: number;
  /** Access log on (tests read it) or off (a load test would mostly measure its writes). */
  accessLog?: boolean;
};

const quit = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGQUIT'); // nginx's graceful stop
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
};

/** nginx on a free loopback port in front of the api and the gateways, with the production routing rules. */
export const startNginx = async (o: NginxOptions): Promise<Nginx> => {
  if (!nginxInstalled()) throw new Error(`${NGINX} not found: apt-get install -y nginx (.ci/run installs it)`);
  const dir = mkdtempSync(join(tmpdir(), 'aurawell-nginx-'));
  const port = await freePort();
  const upstreamsPath = join(dir, 'upstreams.conf');
  const upstreams = fleetUpstreams(hostPort(o.apiUrl), o.gatewayUrls.map(hostPort));
  writeFileSync(upstreamsPath, upstreams);
  mkdirSync(join(dir, 'conf.d'));
  const siteConf = renderTemplate({ AURAWELL_NGINX_PORT: `127.0.0.1:${port}`, AURAWELL_NGINX_UPSTREAMS: upstreamsPath, AURAWELL_NGINX_LOG_DIR: dir });
  // The template names the access log's path; "off" is a link to /dev/null, as the image links it to stdout.
  if (o.accessLog === false) symlinkSync('/dev/null', join(dir, 'access.log'));
  writeFileSync(join(dir, 'conf.d', 'default.conf'), siteConf);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, mainConf(dir, o.workerConnections ?? 1024));
  const args = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected the production config:\n${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const host = `127.0.0.1:${port}`;
  await waitForHttp(`http://${host}/api/v1/health`, 10000, () => child.exitCode === null);
  return {
    host,
    url: `http://${host}`,
    upstreams,
    siteConf,
    readLog: (name) => readFileSync(join(dir, `${name}.log`), 'utf8'),
    stop: async () => {
      await quit(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A URL (ws:// or http://) re-pointed at nginx. */
export const throughNginx = (url: string, nginx: Nginx): string => url.replace(/^(ws|http):\/\/[^/]+/, `$1://${nginx.host}`);
