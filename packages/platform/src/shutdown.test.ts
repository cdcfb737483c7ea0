import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createShutdown } from './shutdown';

/** A real pino logger whose lines are kept for the test to read. */
const capturingLogger = () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
};

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createShutdown', () => {
  it('runs the steps in the order they were added, each after the previous one finished', async () => {
    const { logger } = capturingLogger();
    const shutdown = createShutdown(logger, 5000);
    const events: string[] = [];
    shutdown.add('stop intake', async () => {
      events.push('intake:start');
      await tick(20);
      events.push('intake:end');
    });
    shutdown.add('drain', () => {
      events.push('drain');
    });
    shutdown.add('quit redis', async () => {
      events.push('redis:start');
      await tick(5);
      events.push('redis:end');
    });
    expect(shutdown.started).toBe(false);
    const clean = await shutdown.run('SIGTERM');
    expect(clean).toBe(true);
    expect(shutdown.started).toBe(true);
    expect(events).toEqual(['intake:start', 'intake:end', 'drain', 'redis:start', 'redis:end']);
  });

  it('run twice returns the same promise and runs every step once', async () => {
    const { logger } = capturingLogger();
    const shutdown = createShutdown(logger, 5000);
    const calls = { a: 0, b: 0 };
    shutdown.add('a', async () => {
      calls.a++;
      await tick(10);
    });
    shutdown.add('b', () => void calls.b++);
    const first = shutdown.run('SIGTERM');
    const second = shutdown.run('SIGINT');
    expect(second).toBe(first);
    expect(await first).toBe(true);
    expect(shutdown.run('again')).toBe(first);
    await tick(20);
    expect(calls).toEqual({ a: 1, b: 1 });
  });

  it('a failing step does not skip the rest, and is logged with its name', async () => {
    const { logger, lines } = capturingLogger();
    const shutdown = createShutdown(logger, 5000);
    const ran: string[] = [];
    shutdown.add('throws', () => {
      ran.push('throws');
      throw new Error('boom');
    });
    shutdown.add('rejects', async () => {
      ran.push('rejects');
      await tick(1);
      throw new Error('later boom');
    });
    shutdown.add('last', () => void ran.push('last'));
    expect(await shutdown.run('test')).toBe(true);
    expect(ran).toEqual(['throws', 'rejects', 'last']);
    const failures = lines.filter((l) => l.msg === 'shutdown step failed');
    expect(failures.map((l) => l.step)).toEqual(['throws', 'rejects']);
  });

  it('resolves false when the deadline passes before the steps finish', async () => {
    const { logger, lines } = capturingLogger();
    const shutdown = createShutdown(logger, 50);
    let after = false;
    shutdown.add('hangs', () => new Promise(() => {}));
    shutdown.add('after', () => void (after = true));
    const started = Date.now();
    expect(await shutdown.run('SIGTERM')).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(after).toBe(false);
    expect(lines.some((l) => l.msg === 'shutdown deadline passed')).toBe(true);
  });

  it('with no steps resolves true at once', async () => {
    const { logger } = capturingLogger();
    await expect(createShutdown(logger, 1000).run('test')).resolves.toBe(true);
  });
});
