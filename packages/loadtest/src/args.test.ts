import { parseLoadArgs, UsageError } from './args';
import { DEFAULT_ROUTES, FLAGS, helpText } from './flags';
import { resolveEdge } from './run';

const parse = (line: string) => parseLoadArgs(line.split(' ').filter(Boolean));

describe('pnpm loadtest arguments', () => {
  it('the CI smoke test: chat with 100 users, defaults elsewhere', () => {
    const o = parse('--scenario chat --users 100 --tps 100')!;
    expect(o).toMatchObject({ scenario: 'chat', clients: 100, chats: 1, rampPerSecond: 200, tps: 100, answerTokens: 120, gateways: 1, workers: 1, edge: 'auto', procs: 1, url: null });
  });

  it('each scenario has its own defaults for shared flags', () => {
    expect(parse('--scenario storm')).toMatchObject({ clients: 200, answerTokens: 300, armTokens: 10, armTimeoutMs: 60000, killGateway: false });
    expect(parse('--scenario idle')).toMatchObject({ clients: 2000, rampPerSecond: 500, holdSeconds: 30, warmup: 200, heartbeatMs: 5000 });
    expect(parse('--scenario connect')).toMatchObject({ clients: 1000, holdSeconds: 10, warmup: 0, heartbeatMs: null });
    expect(parse('--scenario mixed')).toMatchObject({ clients: 50, durationSeconds: 20, restRate: 200, routes: DEFAULT_ROUTES.split(','), restLogin: ['demo_user:demo_password', 'test_user:test_password'] });
    expect(parse('--scenario voice')).toMatchObject({ clients: 20, chats: 1, thinkMs: 500, utteranceMs: 1500, frameMs: 100, pace: 1, answerTokens: 120 });
    expect(parse('--scenario chat')).toMatchObject({ utteranceMs: 0, frameMs: 0, pace: 0 });
  });

  it('voice: utterances per user are its chats; pace 0 sends the audio at once', () => {
    expect(parse('--scenario voice --users 5 --utterances 3 --utterance-ms 800 --frame-ms 20 --pace 0')).toMatchObject({ clients: 5, chats: 3, utteranceMs: 800, frameMs: 20, pace: 0 });
  });

  it('reads topology, url options, lists and the storm switch', () => {
    const o = parse('--scenario storm --topology 2x3 --kill-gateway --procs 4 --users 40 --backoff-initial-ms 100')!;
    expect(o).toMatchObject({ gateways: 2, workers: 3, killGateway: true, procs: 4, backoff: { initialMs: 100, maxMs: 15000 } });
    const u = parse('--scenario idle --url http://h:8000 --gateway-metrics http://h:9001/metrics,http://h:9002/metrics --per-user 3')!;
    expect(u).toMatchObject({ url: 'http://h:8000', perUser: 3, gatewayMetrics: ['http://h:9001/metrics', 'http://h:9002/metrics'] });
  });

  it.each([
    ['--scenario nope', /--scenario must be one of/],
    ['--scenario chat --hold 5', /--hold does not apply to --scenario chat/],
    ['--scenario idle --users 5', /--users does not apply to --scenario idle/],
    ['--topology 2', /--topology must be GxW/],
    ['--users=-3', /--users must be a number/],
    ['--edge sideways', /--edge must be/],
    ['--scenario idle --connections 10 --warmup 10', /--warmup \(10\) must be below/],
    ['--users 2 --procs 3', /--procs \(3\) is more than/],
    ['--sim-url http://x', /go with --url/],
    ['--scenario storm --kill-gateway', /at least two gateways/],
    ['--scenario storm --kill-gateway --url http://x --topology 2x2', /needs the local topology/],
    ['--bogus 1', /Unknown option/],
    ['--scenario chat --utterances 2', /--utterances does not apply to --scenario chat/],
    ['--scenario voice --chats 2', /--chats does not apply to --scenario voice/],
    ['--scenario voice --utterance-ms 50', /--utterance-ms must be 100–55000/],
    ['--scenario voice --utterance-ms 30000 --pace 0.5', /ms of talking: over 55000/],
    ['--scenario voice --frame-ms 5', /--frame-ms must be a number ≥ 10/],
  ])('%s is refused', (line, message) => {
    expect(() => parse(line)).toThrow(UsageError);
    expect(() => parse(line)).toThrow(message);
  });

  it('--help returns null, and its text names every flag and scenario', () => {
    expect(parse('--help')).toBeNull();
    const help = helpText();
    FLAGS.forEach((f) => expect(help).toContain(`--${f.name}`));
    ['chat', 'connect', 'idle', 'mixed', 'storm', 'voice'].forEach((s) => expect(help).toContain(`--scenario ${s}:`));
    expect(help).toMatch(/--scenario idle:[\s\S]*--hold <value> \(default 30\)/);
    expect(help).toMatch(/--scenario connect:[\s\S]*--hold <value> \(default 10\)/);
    expect(help).toMatch(/--scenario voice:[\s\S]*--users <value> \(default 20\)[\s\S]*--pace <value> \(default 1\)/);
  });

  it('--edge auto picks nginx for two or more gateways when nginx is installed', () => {
    expect(resolveEdge({ edge: 'auto', gateways: 2 }, true)).toBe('nginx');
    expect(resolveEdge({ edge: 'auto', gateways: 2 }, false)).toBe('dev');
    expect(resolveEdge({ edge: 'auto', gateways: 1 }, true)).toBe('dev');
    expect(resolveEdge({ edge: 'none', gateways: 2 }, true)).toBe('none');
  });
});
