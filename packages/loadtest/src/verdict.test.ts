import { parseLoadArgs, type LoadOptions } from './args';
import { lineChart, niceCeil } from './charts';
import { reportHtml } from './html-report';
import { correctnessOf, restByRoute, summaryTable, type Report } from './report';
import { failedChecks } from './verdict';

const opts = (line: string) => parseLoadArgs(line.split(' ')) as LoadOptions;

const report = (counters: Record<string, number>, over: Partial<Report> = {}): Report => ({
  scenario: 'chat',
  options: {},
  target: 'local',
  machine: { cpus: 2, memoryGiB: 1, node: '20', fdLimit: null, clientProcesses: 1, loadAverage: { start: 1, end: 1 } },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 1,
  outcomes: {},
  correctness: correctnessOf(counters, true),
  counters,
  latenciesMs: {},
  processes: [],
  redisPerToken: null,
  gatewayRssPerConnectionKiB: null,
  memory: null,
  storm: null,
  rest: null,
  failures: [],
  series: [],
  ...over,
});

describe('what fails a run (never timing)', () => {
  it('chat: every expected chat ended exactly', () => {
    expect(failedChecks(report({ chats: 4, exact: 4 }), opts('--users 2 --chats 2'))).toEqual([]);
    expect(failedChecks(report({ chats: 4, exact: 3 }), opts('--users 2 --chats 2'))).toEqual([expect.stringMatching(/1 of 4 answers not exact/)]);
    expect(failedChecks(report({ chats: 3, exact: 3 }), opts('--users 2 --chats 2'))).toEqual(['3 chats ended, 4 expected']);
  });

  it('storm: exact answers and at least one drop', () => {
    expect(failedChecks(report({ chats: 2, exact: 2 }), opts('--scenario storm --users 2'))).toEqual(['the storm dropped no connection']);
    expect(failedChecks(report({ chats: 2, exact: 2, drops: 2 }), opts('--scenario storm --users 2'))).toEqual([]);
  });

  it('idle: every connection admitted and still open at the end, none dropped', () => {
    const o = opts('--scenario idle --connections 3 --warmup 1');
    expect(failedChecks(report({ open_at_release: 3 }, { outcomes: { ok: 3 } }), o)).toEqual([]);
    expect(failedChecks(report({ open_at_release: 2, dropped_during_hold: 1 }, { outcomes: { ok: 3 } }), o)).toHaveLength(2);
  });

  it('mixed: GETs other than 2xx, or none answered, fail', () => {
    const counters = { chats: 2, exact: 2, 'rest:/a:200': 5, 'rest:/a:502': 1, 'rest:/b:error:ECONNRESET': 2 };
    const rest = { ratePerSecond: 1, byRoute: restByRoute(['/a', '/b'], counters, {}) };
    expect(rest.byRoute['/a']).toEqual({ requests: 6, statuses: { '200': 5, '502': 1 }, latencyMs: null });
    expect(failedChecks(report(counters, { rest }), opts('--scenario mixed --users 2'))).toEqual(['GET /a: 1 × 502', 'GET /b: 2 × error:ECONNRESET']);
  });
});

describe('report rendering', () => {
  it('the summary shows correctness only when there were chats, and the failures', () => {
    expect(summaryTable(report({}))).not.toContain('correctness');
    expect(summaryTable(report({ chats: 1, exact: 1 }, { failures: ['client process 0: boom'] }))).toMatch(/correctness[\s\S]*FAILED client process 0: boom/);
  });

  it('charts: round axis tops, nothing drawn without points, one path per line', () => {
    expect([niceCeil(0), niceCeil(7), niceCeil(12), niceCeil(4800)]).toEqual([1, 10, 20, 5000]);
    expect(lineChart('t', 'ms', [{ name: 'a', color: '#000', points: [] }])).toBe('');
    const svg = lineChart('t', 'ms', [{ name: 'a', color: '#000', points: [[0, 1], [1, 3]] }, { name: 'b', color: '#111', points: [[0, 2]] }], 10);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('>10 s<');
  });

  it('the page escapes what it shows and has no script', () => {
    const html = reportHtml(report({}, { target: '<b>x</b>', series: [{ t: 1, open: 3, latencyMs: {}, gatewayRssMiB: null, gatewayHeapMiB: null }] }));
    expect(html).toContain('&lt;b>x&lt;/b>');
    expect(html).not.toContain('<script');
    expect(html).toContain('not measured');
  });
});
