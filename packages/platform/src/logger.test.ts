import { Writable } from 'node:stream';
import { Redis, ReplyError } from 'ioredis';
import { testRedisUrl } from '@aurawell/testkit';
import { createLogger } from './logger';

/** A logger writing into an array of parsed lines. */
const recorded = () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', 'info', sink), lines };
};

test('a Redis error is logged whole (type, message, stack) without the command arguments that can hold a ticket', async () => {
  const redis = new Redis(testRedisUrl());
  const ticket = 'tkt_secret_value_1234567890';
  // A real reply error: INCR on a hash (WRONGTYPE), whose key names the ticket.
  const key = `logger-test:{t}:ticket:${ticket}`;
  let caught: unknown;
  try {
    await redis.hset(key, 'f', 'v');
    await redis.incr(key);
  } catch (err) {
    caught = err;
  } finally {
    await redis.del(key);
    await redis.quit();
  }
  expect(caught).toBeInstanceOf(ReplyError);
  expect(JSON.stringify((caught as { command?: unknown }).command)).toContain(ticket);

  const { logger, lines } = recorded();
  logger.error({ err: caught }, 'ticket not stored');
  expect(lines).toHaveLength(1);
  const err = lines[0]!.err as Record<string, unknown>;
  expect(err).toMatchObject({ type: expect.stringMatching(/Error$/), message: expect.stringContaining('WRONGTYPE'), stack: expect.stringContaining('WRONGTYPE') });
  expect(JSON.stringify(lines[0])).not.toContain(ticket);
});

test('a refused AUTH nested in another error (a cluster\'s lastNodeError, a cause, an AggregateError) is logged without its password', async () => {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  const password = 'pw_secret_value_0987654321';
  await redis.connect();
  const refused = await redis.call('AUTH', 'nobody', password).catch((err: unknown) => err);
  await redis.quit();
  expect(refused).toBeInstanceOf(ReplyError);
  expect(JSON.stringify((refused as { command?: unknown }).command)).toContain(password);

  const { logger, lines } = recorded();
  // As ioredis's ClusterAllFailedError carries it when no node lets the cluster client in.
  const clusterError = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: refused });
  logger.warn({ err: clusterError }, 'redis connection error');
  logger.warn({ err: new Error('connect failed', { cause: refused }) }, 'with a cause');
  logger.warn({ err: new AggregateError([refused], 'all failed') }, 'aggregate');
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(JSON.stringify(line)).not.toContain(password);
  expect((lines[0]!.err as { lastNodeError: { message: string } }).lastNodeError.message).toMatch(/WRONGPASS|invalid username-password/);
});

test('other errors keep their own fields (a code) and their stack', () => {
  const { logger, lines } = recorded();
  logger.warn({ err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }, 'down');
  expect(lines[0]!.err).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', stack: expect.stringContaining('logger.test') });
});
