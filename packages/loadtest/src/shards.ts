import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Shard } from './shard';
import type { ShardDown, ShardSpec, ShardUp } from './shard-protocol';
import { shardScenarios } from './shard-scenarios';

/** The parent's handle on one client process (or on the in-process shard when `--procs 1`). */
export type ShardHandle = { pid: number | undefined; send(cmd: ShardDown): void; stop(): Promise<void> };

/** Runs the shard in this process: no fork, the same messages. */
const inProcess = (spec: ShardSpec, onMessage: (m: ShardUp) => void): ShardHandle => {
  const shard = new Shard(spec, onMessage);
  void shard.run(shardScenarios[spec.scenario]);
  return { pid: undefined, send: (cmd) => cmd.kind !== 'start' && shard.command(cmd.kind), stop: async () => undefined };
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(kill), resolve()));
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });

/** Forks `shard-main.ts` (through tsx) and hands it its spec; an early exit is reported as `failed`. */
const forked = (spec: ShardSpec, onMessage: (m: ShardUp) => void): ShardHandle => {
  const child = fork(join(__dirname, 'shard-main.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let finished = false;
  child.on('message', (m: ShardUp) => {
    if (m.kind !== 'tick') finished = true;
    onMessage(m);
    if (m.kind !== 'tick' && child.connected) child.disconnect();
  });
  child.once('exit', (code, signal) => finished || onMessage({ kind: 'failed', shard: spec.index, message: `client process exited early (${signal ?? code})` }));
  child.send({ kind: 'start', spec } satisfies ShardDown);
  return { pid: child.pid, send: (cmd) => child.connected && child.send(cmd), stop: () => stopChild(child) };
};

/** Starts one shard per spec: in this process when there is one, else one forked process each. */
export const startShards = (specs: ShardSpec[], onMessage: (m: ShardUp) => void): ShardHandle[] =>
  specs.length === 1 ? [inProcess(specs[0]!, onMessage)] : specs.map((spec) => forked(spec, onMessage));
