import { interpolate, parseEnvFile, read, readYaml } from './validators';

// docker-compose.yml as an operator runs it: interpolated with the example .env, its blanks filled.
// Shared by manifests.test.ts and compose-cluster.test.ts.

export type ComposeService = {
  image?: string;
  profiles?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  read_only?: boolean;
  restart?: string;
  expose?: string[];
};
export type Compose = { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

export const SECRETS = ['JWT_SECRET_KEY', 'DEEPSEEK_API_KEY', 'POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'];
export const exampleEnv = parseEnvFile(read('deploy/.env.example'));
/** The example's commented-out `# KEY=value` lines: what an operator uncomments for the `cluster` profile. */
export const exampleCluster: Record<string, string> = Object.fromEntries(
  [...read('deploy/.env.example').matchAll(/^#\s*([A-Z][A-Z0-9_]*)=(\S*)\s*$/gm)].map(([, k, v]) => [k as string, v as string]),
);
// What an operator's .env holds after filling in the example's blanks.
export const operatorEnv: Record<string, string> = { ...exampleEnv, ...Object.fromEntries(SECRETS.map((k) => [k, `${k.toLowerCase()}-0123456789abcdef`])) };
export const rawCompose = readYaml<Compose>('docker-compose.yml');
export const compose = interpolate(rawCompose, operatorEnv) as Compose;
export const AURAWELL_SERVICES = ['api', 'ws-gateway-1', 'ws-gateway-2', 'advice-worker'];
// Started by every `docker compose up`; the `cluster` profile adds its Redis Cluster.
export const DEFAULT_SERVICES = ['advice-worker', 'api', 'grafana', 'migrate', 'nginx', 'postgres', 'prometheus', 'redis', 'ws-gateway-1', 'ws-gateway-2'];
export const CLUSTER_NODES = ['redis-node-1', 'redis-node-2', 'redis-node-3', 'redis-node-4', 'redis-node-5', 'redis-node-6'];
export const CLUSTER_SERVICES = [...CLUSTER_NODES, 'redis-cluster-init'];
// The Redis settings the services read (packages/platform/src/config.ts), passed through as `${X:-}`.
export const REDIS_CLUSTER_VARS = ['REDIS_CLUSTER_NODES', 'REDIS_CLUSTER_USERNAME', 'REDIS_CLUSTER_PASSWORD', 'REDIS_CLUSTER_TLS', 'REDIS_QUEUE_URL'];
// Secrets that may be absent: interpolated as `${X:-}` (empty, never a literal), not `${X:?…}`.
export const OPTIONAL_SECRETS = ['REDIS_CLUSTER_PASSWORD'];
export const svc = (name: string): ComposeService => {
  const s = compose.services[name];
  if (!s) throw new Error(`compose service ${name} missing`);
  return s;
};
