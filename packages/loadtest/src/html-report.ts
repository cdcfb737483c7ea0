import { lineChart, PALETTE, type Line } from './charts';
import { fmt, summaryTable, type Percentiles, type Report } from './report';
import { writeReportFiles } from './report-files';
import { SPEECH_END_TO_FINAL_TRANSCRIPT, SPEECH_END_TO_FIRST_AUDIO, SPEECH_END_TO_TRANSCRIPT, VOICE_MEASURES } from './voice-meter';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Final percentiles per measure as bars (blue p50, red p99). */
const bars = (r: Report): string => {
  const entries = Object.entries(r.latenciesMs);
  const max = Math.max(1, ...entries.map(([, s]) => s.p99));
  const body = entries
    .map(([name, s], i) => {
      const y = 30 + i * 40;
      const w = (v: number) => Math.max(1, (v / max) * 560);
      return `<text x="0" y="${y}" font-size="12">${esc(name)}</text>
<rect x="240" y="${y - 12}" width="${w(s.p99)}" height="8" fill="#e8a0a0"><title>p99 ${fmt(s.p99)} ms</title></rect>
<rect x="240" y="${y - 3}" width="${w(s.p50)}" height="8" fill="#6a9fd4"><title>p50 ${fmt(s.p50)} ms</title></rect>
<text x="${250 + w(s.p99)}" y="${y}" font-size="11">p50 ${fmt(s.p50)} · p99 ${fmt(s.p99)} ms</text>`;
    })
    .join('\n');
  return `<svg width="980" height="${40 + entries.length * 40}" role="img" aria-label="latency percentiles" font-family="system-ui, sans-serif">${body}</svg>`;
};

/** The run's length in the series (every chart spans it, so they line up). */
const span = (r: Report): number => r.series.at(-1)?.t ?? 0;

/** One chart per measure: its p50 and p99 in each second of the run. */
const latencyCharts = (r: Report): string =>
  Object.keys(r.latenciesMs)
    .map((name) => {
      const points = (p: 'p50' | 'p99'): [number, number][] => r.series.flatMap((s) => (s.latencyMs[name] ? [[s.t, s.latencyMs[name][p]] as [number, number]] : []));
      return lineChart(
        `${name}: p50 and p99 per second`,
        'ms',
        [
          { name: 'p50', color: PALETTE[0]!, points: points('p50') },
          { name: 'p99', color: PALETTE[1]!, points: points('p99') },
        ],
        span(r),
      );
    })
    .join('\n');

const seriesLine = (r: Report, name: string, color: string, pick: (s: Report['series'][number]) => number | null): Line => ({
  name,
  color,
  points: r.series.flatMap((s) => {
    const v = pick(s);
    return v === null ? [] : [[s.t, v] as [number, number]];
  }),
});

const VOICE_STEPS = [
  { label: 'transcript', key: 'transcript', measure: SPEECH_END_TO_TRANSCRIPT },
  { label: 'final transcript', key: 'finalTranscript', measure: SPEECH_END_TO_FINAL_TRANSCRIPT },
  { label: 'first token', key: 'firstToken', measure: VOICE_MEASURES.firstToken },
  { label: 'first audio', key: 'firstAudio', measure: SPEECH_END_TO_FIRST_AUDIO },
] as const;

/** voice: the latencies from the end of speech, whole run (a table) and p50 per second (one chart). */
const voiceSection = (r: Report): string => {
  const v = r.voice;
  if (v === null) return '';
  const cell = (p: Percentiles, k: 'p50' | 'p99') => (p ? fmt(p[k]) : '–');
  const rows = VOICE_STEPS.map(({ label, key }) => `<tr><td>${label}</td><td>${cell(v.fromSpeechEndMs[key], 'p50')}</td><td>${cell(v.fromSpeechEndMs[key], 'p99')}</td></tr>`);
  const lines = VOICE_STEPS.map(({ label, measure }, i) => seriesLine(r, label, PALETTE[i]!, (s) => s.latencyMs[measure]?.p50 ?? null));
  return `<h2>Voice: from the end of speech</h2>
<p>${v.exact}/${v.utterances} spoken questions exact (transcript, answer text, every sentence's audio); ${v.sentences} sentences spoken, ${(v.audioBytes / 2 ** 20).toFixed(1)} MiB of audio</p>
<table><tr><th>speech end →</th><th>p50 ms</th><th>p99 ms</th></tr>${rows.join('')}</table>
<p>The first sentence's text complete → its first audio: p50 ${cell(v.sentenceTextToAudioMs, 'p50')} / p99 ${cell(v.sentenceTextToAudioMs, 'p99')} ms</p>
${lineChart('speech end → transcript (first, final), first token, first audio: p50 per second', 'ms', lines, span(r))}`;
};

/** The self-contained page: summary, charts over time, final percentiles. No scripts, no network. */
export const reportHtml = (r: Report): string => `<!doctype html><html lang="en"><meta charset="utf-8"><title>AuraWell load test: ${esc(r.scenario)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}td,th{padding:.2em .8em;text-align:right}pre{overflow-x:auto;background:#f6f6f6;padding:1em}code{word-break:break-all}</style>
<body>
<h1>${esc(r.scenario)} — ${esc(r.startedAt)}</h1>
<p>${esc(r.target)}; ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, Node ${esc(r.machine.node)}; ${r.machine.clientProcesses} client process(es); ${r.durationSeconds.toFixed(1)} s</p>
<p>options <code>${esc(JSON.stringify(r.options))}</code></p>
<h2>Summary</h2><pre>${esc(summaryTable(r))}</pre>
${voiceSection(r)}
<h2>Connections</h2>
${lineChart('open connections', '', [seriesLine(r, 'open', PALETTE[2]!, (s) => s.open)], span(r))}
<h2>Gateway memory</h2>
${lineChart('gateways (sum): RSS and heap in use', 'MiB', [seriesLine(r, 'RSS', PALETTE[3]!, (s) => s.gatewayRssMiB), seriesLine(r, 'heap used', PALETTE[4]!, (s) => s.gatewayHeapMiB)], span(r)) || '<p>not measured (no gateway metrics reachable)</p>'}
<h2>Latency percentiles over time</h2>
${latencyCharts(r)}
<h2>Latency percentiles, whole run</h2>
${bars(r)}
</body></html>
`;

/** Writes `<name>.json` and `<name>.html`. */
export const writeReport = (dir: string, name: string, r: Report): { json: string; html: string } => {
  const files = writeReportFiles(dir, name, r, 'html', reportHtml(r));
  return { json: files.json, html: files.rendered };
};
