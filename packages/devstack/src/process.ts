import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitForHttp } from './ports';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export const SERVICES = ['api', 'ws-gateway', 'advice-worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * Node's own flags per service, as its image runs it (deploy/Dockerfile). The gateway holds
 * thousands of idle sockets: --optimize-for-size took its idle RSS from 8.3–10.4 to 6.2–7.2 KiB per
 * connection (10,000 connections, the loadtest's idle scenario).
 */
export const NODE_FLAGS: Record<ServiceName, string[]> = { api: [], 'ws-gateway': ['--optimize-for-size'], 'advice-worker': [] };

/**
 * Node's arguments to run a service's built file (`pnpm build`): `index` is the service, the api
 * also has `seed-cli` and `migrate-cli`. Source maps on, so stacks point at the TypeScript.
 */
export const builtScript = (service: ServiceName, entry = 'index'): string[] => [
  ...(entry === 'index' ? NODE_FLAGS[service] : []),
  '--enable-source-maps',
  join(REPO_ROOT, 'services', service, 'dist', `${entry}.js`),
];

/** One service running as its own OS process, exactly as `pnpm --dir services/<name> start` runs it. */
export class ServiceProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly opsPort: number,
    private readonly child: ChildProcess,
    onLine?: (name: string, line: string) => void,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.logs.push(line);
        if (this.logs.length > 2000) this.logs.shift();
        onLine?.(name, line);
      });
    }
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        resolve(this.exitCode);
      }),
    );
  }

  static spawn(opts: {
    service: ServiceName;
    name: string;
    env: NodeJS.ProcessEnv;
    opsPort: number;
    onLine?: (name: string, line: string) => void;
  }): ServiceProcess {
    const child = spawn(process.execPath, builtScript(opts.service), {
      cwd: join(REPO_ROOT, 'services', opts.service),
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(opts.name, opts.opsPort, child, opts.onLine);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** It exited because a port it was given had been taken meanwhile (then it may start again elsewhere). */
  get lostItsPort(): boolean {
    return !this.running && this.logs.some((line) => line.includes('EADDRINUSE'));
  }

  /**
   * Resolves when the service's /readyz answers 200 from this very process: its port was free when
   * picked, but another process may have taken it before this one bound it.
   */
  async ready(timeoutMs = 30000): Promise<void> {
    try {
      const own = (res: Response) => res.headers.get('x-process-id') === String(this.child.pid);
      await waitForHttp(`http://127.0.0.1:${this.opsPort}/readyz`, timeoutMs, () => this.running, own);
    } catch (err) {
      throw new Error(`${this.name}: ${(err as Error).message}\n${this.logs.slice(-20).join('\n')}`);
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
