import type { SeriesPoint } from './aggregator';
import { withPrefix, type Counters } from './counters';
import type { LatencySummary } from './histogram';
import { restMeasure } from './rest-load';
import type { MemoryResult, StormResult } from './scenarios';
import { SENTENCE_TEXT_TO_AUDIO, SPEECH_END_TO_FINAL_TRANSCRIPT, SPEECH_END_TO_FIRST_AUDIO, SPEECH_END_TO_TRANSCRIPT, VOICE_MEASURES } from './voice-meter';

export type Correctness = { chats: number; exact: number; lostTokens: number; duplicatedFrames: number; reorderedFrames: number };

/** p50 and p99 of one measure (ms), null when nothing was measured. */
export type Percentiles = { p50: number; p99: number } | null;

/** The voice scenario at a glance: what was asked and spoken, and the three latencies from the end of speech. */
export type VoiceSummary = {
  utterances: number;
  exact: number;
  sentences: number;
  audioBytes: number;
  /** From the client sending `voice_end` to the first `voice_transcript`, the final one, the answer's first token, its first audio frame. */
  fromSpeechEndMs: { transcript: Percentiles; finalTranscript: Percentiles; firstToken: Percentiles; firstAudio: Percentiles };
  /** From the text that completes the first spoken sentence to its first audio frame (the speech budget). */
  sentenceTextToAudioMs: Percentiles;
};

export type RestRoute = { requests: number; statuses: Record<string, number>; latencyMs: LatencySummary | null };

export type Report = {
  scenario: string;
  options: Record<string, unknown>;
  /** What was loaded (local topology and its edge, or the URL). */
  target: string;
  machine: {
    cpus: number;
    memoryGiB: number;
    node: string;
    fdLimit: { soft: number; hard: number } | null;
    clientProcesses: number;
    /** 1-minute load average at the start and the end of the run. */
    loadAverage: { start: number; end: number };
  };
  startedAt: string;
  durationSeconds: number;
  outcomes: Record<string, number>;
  correctness: Correctness & { checkedAgainstSimulator: boolean };
  /** Every count the clients kept (outcomes, frames, reconnects, REST statuses, …). */
  counters: Counters;
  latenciesMs: Record<string, LatencySummary>;
  processes: { name: string; cpuSeconds: number; rssMiB: number | null }[];
  /** Redis work per delivered token: commands executed (script internals included) and script calls (round trips). */
  redisPerToken: { commands: number; roundTrips: number } | null;
  gatewayRssPerConnectionKiB: number | null;
  memory: MemoryResult | null;
  storm: StormResult | null;
  rest: { ratePerSecond: number; byRoute: Record<string, RestRoute> } | null;
  voice: VoiceSummary | null;
  failures: string[];
  series: SeriesPoint[];
};

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
export const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The correctness block of the report, from the summed counters. */
export const correctnessOf = (c: Counters, checked: boolean): Report['correctness'] => ({
  chats: c.chats ?? 0,
  exact: c.exact ?? 0,
  lostTokens: c.lost_tokens ?? 0,
  duplicatedFrames: c.duplicated_frames ?? 0,
  reorderedFrames: c.reordered_frames ?? 0,
  checkedAgainstSimulator: checked,
});

const percentiles = (s: LatencySummary | undefined): Percentiles => (s && s.count > 0 ? { p50: s.p50, p99: s.p99 } : null);

/** The voice block of the report, from the summed counters and the run's histograms. */
export const voiceSummaryOf = (c: Counters, latencies: Record<string, LatencySummary>): VoiceSummary => ({
  utterances: c.chats ?? 0,
  exact: c.exact ?? 0,
  sentences: c.sentences ?? 0,
  audioBytes: c.audio_bytes ?? 0,
  fromSpeechEndMs: {
    transcript: percentiles(latencies[SPEECH_END_TO_TRANSCRIPT]),
    finalTranscript: percentiles(latencies[SPEECH_END_TO_FINAL_TRANSCRIPT]),
    firstToken: percentiles(latencies[VOICE_MEASURES.firstToken]),
    firstAudio: percentiles(latencies[SPEECH_END_TO_FIRST_AUDIO]),
  },
  sentenceTextToAudioMs: percentiles(latencies[SENTENCE_TEXT_TO_AUDIO]),
});

const p50p99 = (p: Percentiles) => (p ? `${fmt(p.p50)} / ${fmt(p.p99)}` : 'n/a');

const voiceLines = (v: VoiceSummary | null): string[] =>
  v === null
    ? []
    : [
        `voice: ${v.exact}/${v.utterances} spoken questions exact (transcript, answer text, every sentence's audio), ${v.sentences} sentences spoken, ${(v.audioBytes / 2 ** 20).toFixed(1)} MiB of audio`,
        `voice, from the end of speech, p50 / p99 ms: transcript ${p50p99(v.fromSpeechEndMs.transcript)} (final ${p50p99(v.fromSpeechEndMs.finalTranscript)}), first token ${p50p99(v.fromSpeechEndMs.firstToken)}, first audio ${p50p99(v.fromSpeechEndMs.firstAudio)}`,
        `voice, the first sentence's text complete → its first audio, p50 / p99 ms: ${p50p99(v.sentenceTextToAudioMs)}`,
      ];

const latencyTable = (r: Report): string[] => [
  row(['measure (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']),
  row(['---', '---', '---', '---', '---', '---', '---']),
  ...Object.entries(r.latenciesMs).map(([name, s]) => row([name, s.count, fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.p999), fmt(s.max)])),
];

const kib = (v: { rss: number; heap: number } | null) => (v ? `RSS ${v.rss.toFixed(1)} KiB, heap ${v.heap.toFixed(1)} KiB` : 'n/a');

const memoryLines = (m: MemoryResult | null): string[] =>
  m === null ? [] : [`gateway memory per connection (marginal, ${m.connections} connections after the warm-up): ${kib(m.perConnectionKiB)}; after the hold: ${kib(m.afterHoldPerConnectionKiB)}`];

const STORM_COUNTERS = ['terminated_sockets', 'drops', 'reconnects', 'interrupted_generations', 'resumed_generations', 'replayed_frames'];
const stormLines = (r: Report): string[] =>
  r.storm === null ? [] : [`storm: ${r.storm.drop} at ${r.storm.dropAt} with ${r.storm.armed}/${r.storm.users} answers under way; ${STORM_COUNTERS.map((k) => `${k} ${r.counters[k] ?? 0}`).join(', ')}`];

const restLines = (r: Report): string[] =>
  r.rest === null
    ? []
    : [
        `REST at ${r.rest.ratePerSecond}/s (late sends ${r.counters.rest_late ?? 0}):`,
        ...Object.entries(r.rest.byRoute).map(([route, x]) => `  GET ${route}: ${x.requests} requests ${JSON.stringify(x.statuses)}, p50 ${x.latencyMs ? fmt(x.latencyMs.p50) : '-'} / p99 ${x.latencyMs ? fmt(x.latencyMs.p99) : '-'} ms`),
      ];

/** The table and lines printed at the end of a run (and shown in the HTML page). */
export const summaryTable = (r: Report): string =>
  [
    ...latencyTable(r),
    '',
    `outcomes: ${JSON.stringify(r.outcomes)}`,
    ...(r.correctness.chats > 0 ? [`correctness: ${JSON.stringify(r.correctness)}`] : []),
    ...voiceLines(r.voice),
    ...stormLines(r),
    ...restLines(r),
    ...memoryLines(r.memory),
    `redis per token: ${r.redisPerToken === null ? 'n/a' : `${r.redisPerToken.roundTrips.toFixed(2)} script round trips, ${r.redisPerToken.commands.toFixed(1)} commands executed`}`,
    `gateway RSS per connection: ${r.gatewayRssPerConnectionKiB === null ? 'n/a' : `${r.gatewayRssPerConnectionKiB.toFixed(1)} KiB`}`,
    `machine: ${r.machine.cpus} cores, load average ${r.machine.loadAverage.start.toFixed(1)} at the start, ${r.machine.loadAverage.end.toFixed(1)} at the end`,
    ...r.processes.map((p) => `${p.name}: cpu ${p.cpuSeconds.toFixed(1)} s${p.rssMiB === null ? '' : `, rss ${p.rssMiB.toFixed(0)} MiB`}`),
    ...r.failures.map((f) => `FAILED ${f}`),
  ].join('\n');

/** REST results by route: counts by status (`rest:<route>:<status>` counters) and the route's histogram. */
export const restByRoute = (routes: string[], counters: Counters, latencies: Record<string, LatencySummary>): Record<string, RestRoute> =>
  Object.fromEntries(
    routes.map((route) => {
      const statuses = withPrefix(counters, `rest:${route}:`);
      const requests = Object.values(statuses).reduce((s, n) => s + n, 0);
      return [route, { requests, statuses, latencyMs: latencies[restMeasure(route)] ?? null }];
    }),
  );
