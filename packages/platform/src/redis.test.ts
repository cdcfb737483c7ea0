import { redisTargetsOf, type RedisEnv } from './redis';

const env = (over: Partial<RedisEnv>): RedisEnv => ({ REDIS_URL: 'redis://main:6379', REDIS_CLUSTER_NODES: [], REDIS_CLUSTER_TLS: false, ...over });

describe('redisTargetsOf: the three Redis modes', () => {
  it('neither cluster nor queue Redis: everything on REDIS_URL', () => {
    const t = redisTargetsOf(env({}));
    expect(t.main).toEqual({ kind: 'standalone', url: 'redis://main:6379' });
    expect(t.queue).toEqual(t.main);
  });

  it('a cluster: everything on it, REDIS_URL unused, with its credentials and TLS', () => {
    const t = redisTargetsOf(env({ REDIS_CLUSTER_NODES: ['node-a:7000', 'node-b:7001'], REDIS_CLUSTER_USERNAME: 'aw', REDIS_CLUSTER_PASSWORD: 'pw', REDIS_CLUSTER_TLS: true }));
    expect(t.main).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'node-a', port: 7000 }, { host: 'node-b', port: 7001 }],
      username: 'aw',
      password: 'pw',
      tls: true,
    });
    expect(t.queue).toEqual(t.main);
  });

  it('a queue Redis of its own: the queues there, the rest on the cluster (or on REDIS_URL)', () => {
    const onCluster = redisTargetsOf(env({ REDIS_CLUSTER_NODES: ['node-a:7000'], REDIS_QUEUE_URL: 'rediss://u:p@queue:6380' }));
    expect(onCluster.main.kind).toBe('cluster');
    expect(onCluster.queue).toEqual({ kind: 'standalone', url: 'rediss://u:p@queue:6380' });
    const standalone = redisTargetsOf(env({ REDIS_QUEUE_URL: 'redis://queue:6379' }));
    expect(standalone.main).toEqual({ kind: 'standalone', url: 'redis://main:6379' });
    expect(standalone.queue).toEqual({ kind: 'standalone', url: 'redis://queue:6379' });
  });
});
