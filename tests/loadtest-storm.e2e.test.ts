import { nginxInstalled, SHARED_IP_THROTTLE_ENV } from '@aurawell/devstack';
import { loadtest, exactly } from './support/loadtest';
import { startTestSystem } from './support/system';

// The load harness's reconnect storms and its --url mode (see loadtest.e2e.test.ts for the chat smoke test).

test('reconnect storm: 40 users in 2 client processes, every socket dropped mid-answer, every answer exact', async () => {
  // Answers of 10 s: on a loaded machine the last users arm seconds after the first, and every
  // answer must still be under way when the sockets drop.
  const { report } = await loadtest(['--scenario', 'storm', '--users', '40', '--procs', '2', '--tps', '60', '--answer-tokens', '600', '--arm-tokens', '5', '--backoff-initial-ms', '100']);
  expect(report.correctness).toEqual(exactly(40));
  expect(report.storm).toMatchObject({ users: 40, armed: 40, drop: 'sockets' });
  expect(report.counters).toMatchObject({ terminated_sockets: 40, drops: 40, reconnects: 40, interrupted_generations: 40, resumed_generations: 40 });
  expect(report.latenciesMs.reconnect!.count).toBe(40);
  expect(report.processes.filter((p) => p.name.startsWith('client process'))).toHaveLength(2);
}, 180000);

(nginxInstalled() ? test : test.skip)('reconnect storm through nginx (2x2): one gateway SIGKILLed mid-answer, its users resume, every answer exact', async () => {
  const { report } = await loadtest(['--scenario', 'storm', '--topology', '2x2', '--kill-gateway', '--users', '30', '--tps', '60', '--answer-tokens', '200', '--arm-tokens', '5', '--backoff-initial-ms', '100']);
  expect(report.target).toContain('nginx');
  expect(report.correctness).toEqual(exactly(30));
  expect(report.storm!.drop).toMatch(/^SIGKILL ws-gateway/);
  const dropped = report.counters.drops ?? 0;
  // nginx spreads the users over both gateways: some dropped, and every one that dropped came back and resumed.
  expect(dropped).toBeGreaterThan(0);
  expect(report.counters).toMatchObject({ reconnects: dropped, interrupted_generations: dropped, resumed_generations: dropped });
}, 180000);

test('--url: a running fleet, users registered and logged in through its api, texts checked against its simulator', async () => {
  // The harness registers and logs in every user from this machine: the api's per-IP throttles opened, as `pnpm start` does.
  const sys = await startTestSystem({ sim: { tokensPerSecond: 100, firstTokenDelayMs: 50 }, serviceEnv: { api: SHARED_IP_THROTTLE_ENV } });
  try {
    const url = ['--url', sys.stack.edgeUrl, '--sim-url', sys.sim.url, '--user-prefix', 'urltest'];
    const chat = await loadtest(['--scenario', 'chat', ...url, '--users', '12', '--procs', '2']);
    expect(chat.report.target).toBe(`url: ${sys.stack.edgeUrl}`);
    expect(chat.report.correctness).toEqual({ ...exactly(12), duplicatedFrames: 0, reorderedFrames: 0 });
    const registered = await sys.db.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE username LIKE 'urltest\\_%'");
    expect(Number(registered.rows[0]!.n)).toBe(12);
    // The same users again (login only), three connections each, held idle; memory from the gateway's ops port.
    const metrics = `http://127.0.0.1:${sys.stack.gateways[0]!.opsPort}/metrics`;
    const idle = await loadtest(['--scenario', 'idle', ...url, '--gateway-metrics', metrics, '--connections', '36', '--per-user', '3', '--warmup', '6', '--hold', '1']);
    expect(idle.report.outcomes).toEqual({ ok: 36 });
    expect(idle.report.counters.open_at_release).toBe(36);
    expect(idle.report.memory).toMatchObject({ connections: 30, baseline: { rssBytes: expect.any(Number) } });
    expect(Number((await sys.db.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE username LIKE 'urltest\\_%'")).rows[0]!.n)).toBe(12);
  } finally {
    await sys.stop();
  }
}, 180000);
