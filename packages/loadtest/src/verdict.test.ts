import { parseLoadArgs, type LoadOptions } from './args';
import { lineChart, niceCeil } from './charts';
import { reportHtml } from './html-report';
import { correctnessOf, restByRoute, summaryTable, voiceSummaryOf, type Report } from './report';
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
  voice: null,
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

  it('voice: every spoken question ended, exactly (transcript, text, audio)', () => {
    const o = opts('--scenario voice --users 2 --utterances 2');
    expect(failedChecks(report({ chats: 4, exact: 4 }), o)).toEqual([]);
    expect(failedChecks(report({ chats: 4, exact: 3 }, { outcomes: { ok: 3, audio_mismatch: 1 } }), o)).toEqual([expect.stringMatching(/1 of 4 spoken answers .* not exact .*audio_mismatch/)]);
    expect(failedChecks(report({ chats: 3, exact: 3 }), o)).toEqual(['3 spoken questions ended, 4 expected']);
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

  it('voice: the summary, the JSON block and the page give the latencies from the end of speech', () => {
    const counters = { chats: 2, exact: 2, sentences: 18, audio_bytes: 3 * 2 ** 20 };
    const latency = (p50: number, p99: number) => ({ count: 2, mean: p50, p50, p90: p99, p99, p999: p99, max: p99 });
    const latencies = { speech_end_to_transcript: latency(120, 300), speech_end_to_final_transcript: latency(400, 600), speech_end_to_first_token: latency(700, 950), speech_end_to_first_audio: latency(1100, 1500), first_sentence_text_to_audio: latency(180, 260) };
    const voice = voiceSummaryOf(counters, latencies);
    expect(voice).toEqual({
      utterances: 2,
      exact: 2,
      sentences: 18,
      audioBytes: 3 * 2 ** 20,
      fromSpeechEndMs: { transcript: { p50: 120, p99: 300 }, finalTranscript: { p50: 400, p99: 600 }, firstToken: { p50: 700, p99: 950 }, firstAudio: { p50: 1100, p99: 1500 } },
      sentenceTextToAudioMs: { p50: 180, p99: 260 },
    });
    const r = report(counters, { scenario: 'voice', voice, latenciesMs: latencies });
    expect(summaryTable(r)).toContain('voice, from the end of speech, p50 / p99 ms: transcript 120 / 300 (final 400 / 600), first token 700 / 950, first audio 1100 / 1500');
    expect(summaryTable(r)).toContain('2/2 spoken questions exact (transcript, answer text, every sentence\'s audio), 18 sentences spoken, 3.0 MiB of audio');
    expect(reportHtml(r)).toMatch(/Voice: from the end of speech[\s\S]*<td>first audio<\/td><td>1100<\/td><td>1500<\/td>/);
    expect(summaryTable(r)).toContain("voice, the first sentence's text complete → its first audio, p50 / p99 ms: 180 / 260");
    expect(reportHtml(r)).toContain("first audio: p50 180 / p99 260 ms");
    expect(voiceSummaryOf({}, {}).fromSpeechEndMs.firstAudio).toBeNull();
    expect(reportHtml(report({}))).not.toContain('Voice:');
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
