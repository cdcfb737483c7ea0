import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, TestClient } from './support/ws-client';

// Connection lifecycle limits, each on a system configured for it.

describe('no worker running: cancel before any worker took the job', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ workers: 0 });
  }, 120000);
  afterAll(() => sys?.stop(), 60000);

  test('the gateway ends the queued generation as cancelled at once, and a worker that comes later skips it', async () => {
    const c = await connect(await sys.wsUrl('queued_cancel_user'));
    c.send({ type: 'health_chat', data: { message: `没人处理的问题 ${randomUUID()}` } });
    const sending = await c.next((f) => f.status === 'sending');
    c.send({ type: 'cancel', data: { message_id: sending.message_id } });
    const cancelled = await c.next((f) => f.message_id === sending.message_id && f.status === 'cancelled', 5000);
    expect(cancelled.seq).toBe(2);
    const worker = await sys.stack.spawn('advice-worker');
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.generation(String(sending.message_id)).map((f) => f.status)).toEqual(['sending', 'cancelled']);
    expect(sys.sim.transcripts()).toHaveLength(0);
    await worker.stop();
    c.close();
  });
});

describe('idle timeout', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ workers: 0, serviceEnv: { 'ws-gateway': { IDLE_TIMEOUT_MS: '1200', HEARTBEAT_INTERVAL_MS: '60000' } } });
  }, 120000);
  afterAll(() => sys?.stop(), 60000);

  test('a silent client is closed with 1001; one that keeps talking is not', async () => {
    const silent = await connect(await sys.wsUrl('silent_user'));
    const chatty = await connect(await sys.wsUrl('chatty_user'));
    const timer = setInterval(() => chatty.send({ type: 'ping' }), 300);
    expect(await silent.closed).toEqual({ code: 1001, reason: 'Idle timeout' });
    clearInterval(timer);
    expect(chatty.frames.filter((f) => f.type === 'pong').length).toBeGreaterThan(0);
    expect(await Promise.race([chatty.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 100))])).toBe('open');
    chatty.close();
  });
});

describe('heartbeat', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ workers: 0, serviceEnv: { 'ws-gateway': { HEARTBEAT_INTERVAL_MS: '300', HEARTBEAT_TIMEOUT_MS: '300' } } });
  }, 120000);
  afterAll(() => sys?.stop(), 60000);

  test('a client that stops answering pings is terminated; one that answers stays', async () => {
    const url = await sys.wsUrl('deaf_user');
    const deaf = new WebSocket(url, { autoPong: false });
    const deafClosed = new Promise<number>((resolve) => deaf.on('close', (code) => resolve(code)));
    const healthy = new TestClient(await sys.wsUrl('healthy_user'));
    await healthy.opened;
    // Terminated without a close frame: the client sees an abnormal closure.
    expect(await deafClosed).toBe(1006);
    expect(await Promise.race([healthy.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 100))])).toBe('open');
    healthy.close();
  });
});
