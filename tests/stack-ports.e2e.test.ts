import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ensureBuilt, freePort, ServiceProcess, serviceEnvOf } from '@aurawell/devstack';
import { testPrefix, testRedisUrl } from '@aurawell/testkit';

// A port the launcher picked is free when picked, but another process can take it before the
// service binds it. The launcher must not take that stranger's answer for its own service.
let stranger: Server;
let strangerPort: number;

beforeAll(async () => {
  await ensureBuilt(['api']);
  strangerPort = await freePort();
  stranger = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ready'));
  await new Promise<void>((resolve) => stranger.listen(strangerPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => stranger.close(resolve));
});

test('a service whose ops port was taken meanwhile is not "ready" from the stranger’s answer: it exited, having lost its port', async () => {
  const env = serviceEnvOf(
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: testPrefix(),
        JWT_SECRET_KEY: randomBytes(24).toString('hex'),
      },
    },
    'api',
    { port: await freePort(), opsPort: strangerPort, edgePort: 8000 },
  );
  const proc = ServiceProcess.spawn({ service: 'api', name: 'api-lost-port', env, opsPort: strangerPort });
  try {
    await expect(proc.ready(30000)).rejects.toThrow(/exited before it was ready/);
    expect(proc.lostItsPort).toBe(true);
  } finally {
    await proc.stop(2000);
  }
});
