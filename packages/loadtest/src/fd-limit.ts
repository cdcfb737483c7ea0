import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type FdLimits = { soft: number; hard: number };

/** Set in the re-executed process, so it never re-executes again. */
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

/** Whether to re-execute with a higher soft limit: it is below the hard one and this is not the re-executed process. */
export const shouldRaise = (limits: FdLimits, env: NodeJS.ProcessEnv): boolean => limits.soft < limits.hard && env[RAISED_ENV] !== '1';

/**
 * Node cannot call setrlimit: the harness runs itself again through `sh -c 'ulimit -n <hard>;
 * exec …'` (same node, flags and arguments), so it and every process it starts (services, client
 * processes) may hold as many sockets as the hard limit allows. Resolves with the child's exit code.
 */
export const reexecWithLimit = (hard: number): Promise<number> =>
  new Promise((resolve) => {
    const args = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
    const child = spawn('/bin/sh', ['-c', 'ulimit -n "$1" && shift && exec "$@"', 'sh', String(hard), ...args], {
      stdio: 'inherit',
      env: { ...process.env, [RAISED_ENV]: '1' },
    });
    // Ctrl-C reaches the child through the terminal's process group; this one only waits for it.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/** Sockets the harness process itself will hold (clients in it, and the dev edge's two per connection). */
export const fdsNeeded = (clients: number, clientsInProcess: boolean, devEdgeInProcess: boolean): number =>
  (clientsInProcess ? clients : 0) + (devEdgeInProcess ? 2 * clients : 0) + 256;
