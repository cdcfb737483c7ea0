import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@aurawell/devstack';
import { createTokenService } from '@aurawell/platform';
import { runChatUser } from '../chat-user';
import { cpuSeconds } from '../process-stats';
import type { Target } from '../topology';
import type { RunUser } from './run-step';
import { runSocketIoUser } from './socketio-client';

/** One system under comparison: how to run a user against it, its server pids (for CPU), how to stop it. */
export type Contender = { name: string; runUser: RunUser; serverCpu(): number; stop(): Promise<void> };

const sumCpu = (pids: (number | undefined)[]) => () =>
  pids.reduce<number>((sum, pid) => {
    try {
      return pid === undefined ? sum : sum + cpuSeconds(pid);
    } catch {
      return sum; // exited
    }
  }, 0);

/**
 * This system, measured by the same `runChatUser` as `pnpm loadtest`. Clients connect straight to
 * the gateways, alternating between them, as the Socket.IO clients alternate between its two
 * instances and the direct relay's clients reach it directly: no contender has a proxy in front,
 * so none pays for one (the dev edge is a Node proxy in the benchmark process itself).
 * `via: 'edge'` goes through the dev edge instead, as `pnpm loadtest` does.
 */
export const systemContender = (target: Target, timeoutMs: number, via: 'gateways' | 'edge' = 'gateways'): Contender => {
  const bases = via === 'gateways' && target.gatewayWsBases?.length ? target.gatewayWsBases : [target.wsBase];
  const targets = bases.map((wsBase) => ({ ...target, wsBase }));
  return {
    name: 'this system (2 gateways + 2 workers)',
    runUser: (i, userId, rec, onResult) => runChatUser(targets[i % targets.length]!, userId, { chats: 1, thinkMs: 0, timeoutMs }, rec, onResult),
    serverCpu: sumCpu(target.processes.map((p) => p.pid)),
    stop: async () => undefined, // the topology is stopped by the caller (it also owns the simulator)
  };
};

type RelayProcess = { child: ChildProcess; port: number };

/** Starts `relay-main.ts <kind>` as its own process and waits for its `ready <port>` line. */
const spawnRelay = async (kind: 'direct' | 'socketio', env: NodeJS.ProcessEnv): Promise<RelayProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'relay-main.ts'), kind], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} relay not ready after 30 s`)), 30000);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${kind} relay exited with ${code}`))));
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('ready') && (clearTimeout(timer), resolve()));
  });
  return { child, port };
};

const stopRelay = (r: RelayProcess): Promise<void> =>
  new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve();
    const kill = setTimeout(() => r.child.kill('SIGKILL'), 5000);
    r.child.once('exit', () => (clearTimeout(kill), resolve()));
    r.child.kill('SIGTERM');
  });

/** A target like the system's (same simulator, so texts and send times are checked) but at another address and secret. */
const relayTarget = (system: Target, wsBase: string, secret: string): Target => ({
  ...system,
  wsBase,
  httpBase: wsBase.replace(/^ws/, 'http'),
  tokens: createTokenService(secret, { allowDevToken: false }),
  processes: [],
  stop: async () => undefined,
});

/** The latency floor: one direct-relay process on the same simulator, measured by the same `runChatUser`. */
export const startDirectContender = async (system: Target, timeoutMs: number): Promise<Contender> => {
  const secret = randomBytes(24).toString('hex');
  const relay = await spawnRelay('direct', { SIM_URL: system.sim!.url, JWT_SECRET_KEY: secret });
  const target = relayTarget(system, `ws://127.0.0.1:${relay.port}`, secret);
  return {
    name: 'direct relay (1 process)',
    runUser: (_i, userId, rec, onResult) => runChatUser(target, userId, { chats: 1, thinkMs: 0, timeoutMs }, rec, onResult),
    serverCpu: sumCpu([relay.child.pid]),
    stop: () => stopRelay(relay),
  };
};

/** Two Socket.IO instances sharing the Redis adapter (a unique key prefix); clients alternate between them. */
export const startSocketIoContender = async (system: Target, timeoutMs: number, redisUrl: string): Promise<Contender> => {
  const secret = randomBytes(24).toString('hex');
  const env = { SIM_URL: system.sim!.url, JWT_SECRET_KEY: secret, REDIS_URL: redisUrl, BENCH_ADAPTER_KEY: `bench-sio-${randomBytes(6).toString('hex')}` };
  const relays = await Promise.all([spawnRelay('socketio', env), spawnRelay('socketio', env)]);
  const urls = relays.map((r) => `http://127.0.0.1:${r.port}`);
  const target = relayTarget(system, urls[0]!, secret);
  return {
    name: 'Socket.IO + Redis adapter (2 instances)',
    runUser: (i, userId, rec, onResult) => runSocketIoUser(urls[i % urls.length]!, target, userId, { chats: 1, timeoutMs }, rec, onResult),
    serverCpu: sumCpu(relays.map((r) => r.child.pid)),
    stop: async () => void (await Promise.all(relays.map(stopRelay))),
  };
};
