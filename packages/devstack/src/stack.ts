import { DEFAULT_CORS_ORIGINS, envList, type Logger } from '@aurawell/platform';
import { ensureBuilt } from './build';
import { startEdge, type Edge } from './edge';
import { freePort, waitForHttp } from './ports';
import { ServiceProcess, type ServiceName } from './process';

export type StackOptions = {
  /** Environment shared by every service (REDIS_URL, DATABASE_URL, JWT_SECRET_KEY, DEEPSEEK_*, …). */
  env: NodeJS.ProcessEnv;
  gateways?: number;
  workers?: number;
  /** Port of the public edge; 0 picks one. */
  edgePort?: number;
  logger: Logger;
  /** Receives every log line of every service (e.g. to print them). */
  onLine?: (name: string, line: string) => void;
  /** Extra environment per service kind. */
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
};

export type Stack = {
  edgeUrl: string;
  apiUrl: string;
  gatewayUrls: string[];
  api: ServiceProcess;
  gateways: ServiceProcess[];
  workers: ServiceProcess[];
  /** Starts one more process of a kind (e.g. to replace a killed worker); it joins `workers`/`gateways`. A new gateway is not behind the edge. */
  spawn(service: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
};

/** Where the development services listen: loopback only, unless the environment sets `HOST` (or `OPS_HOST`). */
export const DEV_HOST = '127.0.0.1';

/**
 * The browser origins the api and the gateways allow in the stack: the ones the caller set (or
 * the services' defaults) and the edge's own, under both loopback names, so the page the edge
 * serves at /app may open its WebSocket. The services' defaults stay strict for production.
 */
export const stackOrigins = (env: NodeJS.ProcessEnv, edgePort: number): string => {
  const allowed = envList(DEFAULT_CORS_ORIGINS).parse(env.CORS_ALLOWED_ORIGINS);
  return [...new Set([...allowed, `http://localhost:${edgePort}`, `http://127.0.0.1:${edgePort}`])].join(',');
};

/**
 * The environment of one service of the stack: the shared one, the kind's own, its ports, the
 * interfaces to bind (loopback unless the caller's environment says otherwise; containers keep the
 * services' own default, all interfaces) and the edge's origins for those that check origins.
 */
export const serviceEnvOf = (
  opts: Pick<StackOptions, 'env' | 'serviceEnv'>,
  service: ServiceName,
  ports: { port: number; opsPort: number; edgePort: number },
): NodeJS.ProcessEnv => {
  const env = { ...opts.env, ...opts.serviceEnv?.[service] };
  const host = env.HOST || DEV_HOST;
  const origins = service === 'advice-worker' ? {} : { CORS_ALLOWED_ORIGINS: stackOrigins(env, ports.edgePort) };
  const { port, opsPort } = ports;
  return { ...env, ...origins, HOST: host, OPS_HOST: env.OPS_HOST || host, PORT: String(service === 'advice-worker' ? opsPort : port), OPS_PORT: String(opsPort) };
};

type Spawned = { proc: ServiceProcess; port: number };

/** Attempts at a service whose free port was taken by another process before it bound it. */
const PORT_ATTEMPTS = 3;

/**
 * Starts services on free ports, named in order (`api-1`, `ws-gateway-2`, …), each kept in `all`,
 * and resolves once each is ready. A port is free when picked but can be taken before the service
 * binds it (other tests start processes too): that service starts again on new ports.
 */
const serviceSpawner = (opts: StackOptions, edgePort: number, all: ServiceProcess[]): ((service: ServiceName) => Promise<Spawned>) => {
  let count = 0;
  return async (service) => {
    const name = `${service}-${++count}`;
    for (let attempt = 1; ; attempt += 1) {
      const [port, opsPort] = await Promise.all([freePort(), freePort()]);
      const env = serviceEnvOf(opts, service, { port, opsPort, edgePort });
      const proc = ServiceProcess.spawn({ service, name, env, opsPort, onLine: opts.onLine });
      all.push(proc);
      try {
        await proc.ready(60000);
        return { proc, port };
      } catch (err) {
        if (!proc.lostItsPort || attempt >= PORT_ATTEMPTS) throw err;
        all.splice(all.indexOf(proc), 1);
      }
    }
  };
};

/** The running stack's handle: one more process on demand, and a stop that ends services, then the edge. */
const stackHandle = (
  urls: Pick<Stack, 'edgeUrl' | 'apiUrl' | 'gatewayUrls'>,
  procs: Pick<Stack, 'api' | 'gateways' | 'workers'>,
  edge: Edge,
  all: ServiceProcess[],
  spawnService: (service: ServiceName) => Promise<Spawned>,
): Stack => ({
  ...urls,
  ...procs,
  spawn: async (service) => {
    const { proc } = await spawnService(service);
    if (service === 'advice-worker') procs.workers.push(proc);
    if (service === 'ws-gateway') procs.gateways.push(proc);
    return proc;
  },
  stop: async () => {
    // Services first, so gateways drain their clients (1012) through the edge; then the edge.
    await Promise.all(all.map((p) => p.stop()));
    await edge.close();
  },
});

/**
 * The whole system on one machine: api, gateways and workers as separate processes, and the
 * edge that gives them one public origin. Used by `pnpm start` and by the end-to-end tests.
 */
export const startStack = async (opts: StackOptions): Promise<Stack> => {
  await ensureBuilt();
  const all: ServiceProcess[] = [];
  // Bound first, so its port is known (the api and the gateways allow its origin) and cannot be
  // taken while the services start; it routes once they are ready.
  const edge = await startEdge({ port: opts.edgePort || 0, host: opts.env.HOST || DEV_HOST, apiUrl: '', gatewayUrls: [], logger: opts.logger });
  const spawnService = serviceSpawner(opts, edge.port, all);
  try {
    const [api, gateways, workers] = await Promise.all([
      spawnService('api'),
      Promise.all(Array.from({ length: opts.gateways ?? 1 }, () => spawnService('ws-gateway'))),
      Promise.all(Array.from({ length: opts.workers ?? 1 }, () => spawnService('advice-worker'))),
    ]);
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const gatewayUrls = gateways.map((g) => `http://127.0.0.1:${g.port}`);
    edge.route(apiUrl, gatewayUrls);
    const edgeUrl = `http://127.0.0.1:${edge.port}`;
    await waitForHttp(`${edgeUrl}/api/v1/health`, 10000);
    const procs = { api: api.proc, gateways: gateways.map((g) => g.proc), workers: workers.map((w) => w.proc) };
    return stackHandle({ edgeUrl, apiUrl, gatewayUrls }, procs, edge, all, spawnService);
  } catch (err) {
    await edge.close();
    await Promise.all(all.map((p) => p.stop(2000)));
    throw err;
  }
};
