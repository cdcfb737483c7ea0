import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type FdLimits = { soft: number; hard: number };

/** Set in the re-executed process (to the soft limit it started with), so it never re-executes again. */
export const RAISED_ENV = 'AW_LOADTEST_FD_RAISED';
/** What `ulimit -n` is given when the hard limit is "unlimited" (Linux's nr_open default). */
const UNLIMITED = 1_048_576;

/** The "Max open files" line of /proc/<pid>/limits ("unlimited" counts as Linux's nr_open default). */
export const parseFdLimits = (limits: string): FdLimits | null => {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!m) return null;
  const value = (v: string | undefined) => (v === 'unlimited' ? UNLIMITED : Number(v));
  return { soft: value(m[1]), hard: value(m[2]) };
};

/** This process's limits (null off Linux). */
export const fdLimits = (): FdLimits | null => {
  try {
    return parseFdLimits(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
};

/** Whether to re-execute for more descriptors: the run needs more than the soft limit, and this is not the re-executed process. */
export const shouldRaise = (limits: FdLimits, need: number, env: NodeJS.ProcessEnv): boolean => limits.soft < need && env[RAISED_ENV] === undefined;

/**
 * Node cannot call setrlimit (it only lifts its own soft limit to the hard one at start, which is
 * why the soft limit read here is usually the hard one already): the harness runs itself again
 * through `sh -c 'ulimit -n <want> || ulimit -n <hard>; exec …'` (same node, flags and arguments).
 * Raising the hard limit works where the user may (CAP_SYS_RESOURCE); otherwise the soft limit
 * goes up to the hard one. The services and client processes it starts inherit the limit.
 * Resolves with the child's exit code.
 */
export const reexecWithLimit = (limits: FdLimits, want: number): Promise<number> =>
  new Promise((resolve) => {
    const args = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
    const script = 'ulimit -n "$1" 2>/dev/null || ulimit -n "$2" 2>/dev/null; shift 2; exec "$@"';
    const child = spawn('/bin/sh', ['-c', script, 'sh', String(Math.max(want, limits.hard)), String(limits.hard), ...args], {
      stdio: 'inherit',
      env: { ...process.env, [RAISED_ENV]: String(limits.soft) },
    });
    // Ctrl-C reaches the child through the terminal's process group; this one only waits for it.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/** Sockets the harness process itself will hold (clients in it, and the dev edge's two per connection). */
export const fdsNeeded = (clients: number, clientsInProcess: boolean, devEdgeInProcess: boolean): number =>
  (clientsInProcess ? clients : 0) + (devEdgeInProcess ? 2 * clients : 0) + 256;
