import { randomBytes, randomUUID } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { DEV_HOST, freePort, ServiceProcess, type ServiceName } from '@aurawell/devstack';
import { createTestCerts, testPrefix, TestRedisCluster, type TestCerts } from '@aurawell/testkit';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect, TestClient } from './support/ws-client';

// The fleet on a Redis Cluster run as managed ones are (issue 17): every port TLS only (clients,
// cluster bus, replication) with a certificate of a throwaway CA the services trust through
// NODE_EXTRA_CA_CERTS, and clients logged in as an ACL user (the default user is off).
const USERNAME = 'aurawell';
const PASSWORD = randomBytes(16).toString('hex');
const WRONG_PASSWORD = randomBytes(16).toString('hex');

let certs: TestCerts;
let cluster: TestRedisCluster;
let sys: TestSystem;
/** An api, a gateway and a worker given a wrong password, started beside the fleet. */
let wrong: { api: ServiceProcess; gateway: ServiceProcess; worker: ServiceProcess };

/** What every service needs to reach the cluster besides REDIS_CLUSTER_NODES. */
const clusterEnv = (password: string): NodeJS.ProcessEnv => ({
  REDIS_CLUSTER_NODES: cluster.nodes,
  REDIS_CLUSTER_USERNAME: USERNAME,
  REDIS_CLUSTER_PASSWORD: password,
  REDIS_CLUSTER_TLS: 'true',
  NODE_EXTRA_CA_CERTS: certs.caFile,
  // info, not the suite's warn: more of what the services say is checked for the password.
  LOG_LEVEL: 'info',
});

/**
 * A service with the fleet's cluster settings but `password`, on ports of its own, not behind the
 * edge. It must never get as far as PostgreSQL: no migration, and the database the run's global
 * setup uses only named.
 */
const spawnWithPassword = async (service: ServiceName, password: string): Promise<ServiceProcess> => {
  const [port, opsPort] = await Promise.all([freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...clusterEnv(password),
    NODE_ENV: 'test',
    REDIS_KEY_PREFIX: testPrefix(),
    MIGRATE_ON_START: 'false',
    JWT_SECRET_KEY: randomBytes(24).toString('hex'),
    DEEPSEEK_API_KEY: 'sim-key',
    DEEPSEEK_BASE_URL: 'http://127.0.0.1:9/v1',
    HOST: DEV_HOST,
    OPS_HOST: DEV_HOST,
    PORT: String(service === 'advice-worker' ? opsPort : port),
    OPS_PORT: String(opsPort),
  };
  return ServiceProcess.spawn({ service, name: `${service}-wrong-password`, env, opsPort });
};

beforeAll(async () => {
  certs = await createTestCerts();
  cluster = await TestRedisCluster.start({ primaries: 3, security: { tls: certs, user: { username: USERNAME, password: PASSWORD } } });
  // Started first, so their time to give up runs while the fleet starts.
  const [api, gateway, worker] = await Promise.all((['api', 'ws-gateway', 'advice-worker'] as const).map((s) => spawnWithPassword(s, WRONG_PASSWORD)));
  wrong = { api: api!, gateway: gateway!, worker: worker! };
  const env = clusterEnv(PASSWORD);
  sys = await startTestSystem({ redisClusterNodes: cluster.nodes, serviceEnv: { api: env, 'ws-gateway': env, 'advice-worker': env } });
}, 60000);

afterAll(async () => {
  await Promise.all([wrong?.api.stop(2000), wrong?.gateway.stop(2000), wrong?.worker.stop(2000)]);
  await sys?.stop();
  await cluster?.destroy();
  certs?.remove();
}, 60000);

/** One command to one node with these options: its reply, or why it failed. */
const tryNode = async (port: number, options: RedisOptions, ...command: string[]): Promise<string> => {
  const c = new Redis({ ...options, host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  const errors: string[] = [];
  c.on('error', (err: Error) => errors.push(err.message));
  try {
    await c.connect();
    return String(await c.call(command[0]!, ...command.slice(1)));
  } catch (err) {
    return [...errors, (err as Error).message].join(' | ');
  } finally {
    c.disconnect();
  }
};

test('the cluster speaks only TLS, on its bus and replication too, and refuses clients without the ACL user', async () => {
  const port = cluster.ports[0]!;
  const tls = { tls: { ca: certs.ca } };
  expect(await tryNode(port, cluster.clientOptions, 'PING')).toBe('PONG');
  // In the clear: no answer; over TLS without the user or with a wrong password: refused.
  expect(await tryNode(port, { username: USERNAME, password: PASSWORD }, 'PING')).not.toBe('PONG');
  expect(await tryNode(port, tls, 'PING')).toMatch(/NOAUTH/);
  expect(await tryNode(port, { ...tls, username: USERNAME, password: WRONG_PASSWORD }, 'PING')).toMatch(/WRONGPASS/);
  const settings = ['port', 'tls-port', 'tls-cluster', 'tls-replication'];
  const config = await Promise.all(settings.map((k) => tryNode(port, cluster.clientOptions, 'CONFIG', 'GET', k)));
  expect(config).toEqual(['port,0', `tls-port,${port}`, 'tls-cluster,yes', 'tls-replication,yes']);
  // Each primary's replica is linked: over TLS, logged in as the ACL user (masteruser/masterauth).
  const links = await Promise.all(cluster.ports.map((p) => tryNode(p, cluster.clientOptions, 'INFO', 'replication')));
  expect(links.filter((info) => info.includes('role:slave') && info.includes('master_link_status:up'))).toHaveLength(3);
});

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${sys.stack.edgeUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

test('a user logs in, takes a ticket over REST and streams a chat over the WebSocket with the exact text', async () => {
  const login = await post('/api/v1/auth/login', { username: 'demo_user', password: 'demo_password' });
  expect(login.status).toBe(200);
  const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
  // The api stores the ticket on the cluster; the gateway redeems it there, once.
  const issued = await post('/api/v1/ws/ticket', {}, token);
  expect(issued.status).toBe(200);
  const ticket = encodeURIComponent(((await issued.json()) as { data: { ticket: string } }).data.ticket);
  const client = await connect(await sys.wsUrl('user_001', `ticket=${ticket}`));
  expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'user_001' });
  expect(await new TestClient(await sys.wsUrl('user_001', `ticket=${ticket}`)).closed).toMatchObject({ code: 4001 });

  const message = `TLS 集群上的问题 ${randomUUID()}`;
  const { frames } = await chat(client, message);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content);
  client.close();

  // What the services wrote is on the cluster's primaries, read back over TLS as the ACL user.
  const redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: cluster.clientOptions });
  try {
    await new Promise<void>((resolve, reject) => redis.once('ready', resolve).once('error', reject));
    const counts = await Promise.all(redis.nodes('master').map(async (node) => (await node.scan('0', 'MATCH', `${sys.prefix}:*`, 'COUNT', 10000))[1].length));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  } finally {
    redis.disconnect();
  }
});

test('a wrong password fails closed: every service exits 1 naming the cause; no log holds a password', async () => {
  const { api, gateway, worker } = wrong;
  for (const [proc, name] of [[api, 'api'], [gateway, 'ws-gateway'], [worker, 'advice-worker']] as const) {
    await expect(proc.ready(20000)).rejects.toThrow();
    expect(await proc.exited).toBe(1);
    expect(proc.logs.at(-1)).toBe(`${name} failed to start: redis not ready after 10000 ms`);
  }
  for (const proc of [api, gateway, worker]) {
    expect(proc.logs.some((l) => l.includes('"msg":"redis connection error"') && l.includes('WRONGPASS invalid username-password pair'))).toBe(true);
  }

  for (const proc of [sys.stack.api, ...sys.stack.gateways, ...sys.stack.workers, api, gateway, worker]) {
    // Nothing dropped from the capture (it keeps a service's last 2000 lines).
    expect(proc.logs.length).toBeLessThan(2000);
    expect(proc.logs.filter((l) => l.includes(PASSWORD) || l.includes(WRONG_PASSWORD))).toEqual([]);
  }
}, 30000);
