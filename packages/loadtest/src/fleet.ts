import type { ServiceProcess } from '@aurawell/devstack';
import { loginOrRegister, mapLimit } from './login';
import type { Credential } from './shard-protocol';
import type { LocalTarget } from './topology';

/** The system under load as the harness sees it, whether it started it or was given a URL. */
export type Fleet = {
  description: string;
  /** Where the clients connect (several: users are spread over them, and reconnects move on). */
  wsUrls: string[];
  /** The public REST origin: login, the mixed scenario's GETs. */
  httpBase: string;
  /** The simulator the workers stream from, when its transcripts can be read (then texts are checked). */
  simUrl: string | null;
  /** The Redis the fleet uses, when known (commands per token). */
  redisUrl: string | null;
  /** Each gateway's ops `/metrics` (RSS and heap), when reachable. */
  gatewayMetrics: string[];
  /** Service processes on this machine (CPU and RSS in the report). */
  processes: ServiceProcess[];
  /** `n` connections' credentials for users `<prefix>_<i>`, `perUser` connections each. */
  credentials(n: number, perUser: number): Promise<Credential[]>;
  /** SIGKILLs one gateway (the reconnect storm's `--kill-gateway`); returns its name. */
  killGateway(): string;
  stop(): Promise<void>;
};

/** Each of `users` credentials repeated for `perUser` connections, `n` in all. */
const spread = (users: Credential[], n: number, perUser: number): Credential[] => Array.from({ length: n }, (_, i) => users[Math.floor(i / perUser)] as Credential);

/** The topology the harness started: tokens minted with its secret (no password hashing for 10,000 users). */
export const localFleet = (t: LocalTarget, redisUrl: string, userPrefix: string): Fleet => ({
  description: `local: ${t.gateways.length} gateway(s), ${t.processes.length - t.gateways.length - 1} worker(s), ${t.edge === 'none' ? 'clients straight to the gateways' : `through the ${t.edge === 'dev' ? 'dev edge' : 'nginx edge'}`}`,
  wsUrls: t.edge === 'none' ? t.gatewayUrls : [t.wsBase],
  httpBase: t.httpBase,
  simUrl: t.sim?.url ?? null,
  redisUrl,
  gatewayMetrics: t.gateways.map((g) => `http://127.0.0.1:${g.opsPort}/metrics`),
  processes: t.processes,
  credentials: async (n, perUser) => {
    const count = Math.ceil(n / perUser);
    const users = await Promise.all(Array.from({ length: count }, async (_, i) => ({ userId: `${userPrefix}_${i}`, token: await t.tokens.issue(`${userPrefix}_${i}`) })));
    return spread(users, n, perUser);
  },
  killGateway: () => {
    const alive = t.gateways.filter((g) => g.running);
    if (alive.length < 2) throw new Error('--kill-gateway needs at least two running gateways (e.g. --topology 2x2)');
    alive[0]!.signal('SIGKILL');
    return alive[0]!.name;
  },
  stop: () => t.stop(),
});

export type UrlTargetOptions = {
  url: string;
  /** The REST origin when `url` is a lone gateway (default: `url`). */
  apiUrl?: string;
  simUrl?: string;
  redisUrl?: string;
  gatewayMetrics: string[];
  userPrefix: string;
  password: string;
};

/** Any public origin (a gateway, the dev edge, nginx): users log in through its api, registered on first use. */
export const urlFleet = (o: UrlTargetOptions): Fleet => {
  const httpBase = (o.apiUrl ?? o.url).replace(/\/+$/, '').replace(/^ws/, 'http');
  return {
    description: `url: ${o.url}${o.apiUrl ? ` (api ${o.apiUrl})` : ''}`,
    wsUrls: [o.url],
    httpBase,
    simUrl: o.simUrl ?? null,
    redisUrl: o.redisUrl ?? null,
    gatewayMetrics: o.gatewayMetrics,
    processes: [],
    credentials: async (n, perUser) => {
      const names = Array.from({ length: Math.ceil(n / perUser) }, (_, i) => `${o.userPrefix}_${i}`);
      return spread(await mapLimit(names, 8, (name) => loginOrRegister(httpBase, name, o.password)), n, perUser);
    },
    killGateway: () => {
      throw new Error('--kill-gateway needs the local topology (the harness only kills processes it started)');
    },
    stop: async () => undefined,
  };
};
