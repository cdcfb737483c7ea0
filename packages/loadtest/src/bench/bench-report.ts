import { checkTargets, kneeText, ratio, type ContenderSummary, type TargetCheck } from './compare';
import type { KneeResult } from './knee';
import type { StepReport } from './run-step';
import { writeReportFiles } from '../report-files';

export type Machine = { cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string; hostname: string; sharing: string };

export type BenchOptions = {
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  answerTokens: number;
  headlineStreams: number;
  kneeSteps: number[];
  kneeLimitMs: number;
  kneeBudgetSeconds: number;
  /** How this system's clients reached its gateways (the other contenders' clients always connect straight to them). */
  systemVia?: 'gateways' | 'nginx' | 'dev';
};

const ROUTE: Record<NonNullable<BenchOptions['systemVia']>, string> = {
  gateways: 'straight to its two gateways, alternating, as the Socket.IO clients alternate between its two instances and the direct relay\'s clients reach it: no contender has a proxy in front',
  nginx: 'through nginx with the production routing rules (deploy/nginx), to its two gateways; the other contenders have no proxy in front',
  dev: 'through the dev edge (a Node proxy inside the benchmark process); the other contenders have no proxy in front',
};

export type ContenderResult = { name: string; headline: StepReport; knee: KneeResult & { stepReports: StepReport[] } };

export type BenchReport = {
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  options: BenchOptions;
  contenders: ContenderResult[];
  /** Each contender's numbers divided by the direct relay's (same run). */
  ratiosToDirect: Record<string, { addedLatencyP50: number | null; addedLatencyP99: number | null; firstTokenOverheadP50: number | null; firstTokenOverheadP99: number | null; knee: number | null }>;
  targets: TargetCheck[];
};

/** The comparable numbers of one contender: added latency, first-token overhead (first token − the simulator's delay), knee. */
export const summarize = (c: ContenderResult, firstTokenDelayMs: number): ContenderSummary => {
  const l = c.headline.latenciesMs;
  return {
    name: c.name,
    chats: c.headline.correctness.chats,
    exact: c.headline.correctness.exact,
    addedLatencyMs: { p50: l.added_latency?.p50 ?? NaN, p99: l.added_latency?.p99 ?? NaN },
    firstTokenOverheadMs: { p50: (l.first_token?.p50 ?? NaN) - firstTokenDelayMs, p99: (l.first_token?.p99 ?? NaN) - firstTokenDelayMs },
    knee: c.knee,
  };
};

/** Assembles the report; contenders are [system, direct, socketio] in that order. */
export const buildReport = (startedAt: number, machine: Machine, options: BenchOptions, contenders: ContenderResult[]): BenchReport => {
  const [system, direct, socketio] = contenders.map((c) => summarize(c, options.firstTokenDelayMs));
  const d = direct!;
  return {
    startedAt: new Date(startedAt).toISOString(),
    durationSeconds: (Date.now() - startedAt) / 1000,
    machine,
    options,
    contenders,
    ratiosToDirect: Object.fromEntries(
      [system!, d, socketio!].map((s) => [
        s.name,
        {
          addedLatencyP50: ratio(s.addedLatencyMs.p50, d.addedLatencyMs.p50),
          addedLatencyP99: ratio(s.addedLatencyMs.p99, d.addedLatencyMs.p99),
          firstTokenOverheadP50: ratio(s.firstTokenOverheadMs.p50, d.firstTokenOverheadMs.p50),
          firstTokenOverheadP99: ratio(s.firstTokenOverheadMs.p99, d.firstTokenOverheadMs.p99),
          knee: ratio(s.knee.knee, d.knee.knee),
        },
      ]),
    ),
    targets: checkTargets(system!, d, socketio!),
  };
};

const n = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const x = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The comparison table (Markdown, also printed on stdout). */
export const comparisonTable = (r: BenchReport): string => {
  const lines = [
    row(['contender', 'exact', 'added p50 ms', 'added p99 ms', 'first-token overhead p50 ms', 'p99 ms', `knee (p99 ≤ ${r.options.kneeLimitMs} ms)`, 'added p99 ÷ direct', 'first-token p99 ÷ direct', 'knee ÷ direct']),
    row(Array(10).fill('---')),
  ];
  for (const c of r.contenders) {
    const s = summarize(c, r.options.firstTokenDelayMs);
    const q = r.ratiosToDirect[c.name]!;
    lines.push(row([c.name, `${s.exact}/${s.chats}`, n(s.addedLatencyMs.p50), n(s.addedLatencyMs.p99), n(s.firstTokenOverheadMs.p50), n(s.firstTokenOverheadMs.p99), kneeText(c.knee), x(q.addedLatencyP99), x(q.firstTokenOverheadP99), x(q.knee)]));
  }
  return lines.join('\n');
};

const targetsTable = (r: BenchReport) =>
  [row(['target (this system vs the direct relay, same run)', 'verdict', 'measured']), row(['---', '---', '---']), ...r.targets.map((t) => row([t.target, t.verdict, t.detail]))].join('\n');

/** Other CPU, busy share and load average of a step (absent in reports from before they were recorded). */
const machineCells = (s: StepReport): string[] =>
  s.machine ? [n(s.machine.otherCpuSeconds), `${s.machine.busyPercent.toFixed(0)}%`, s.machine.loadAverage.toFixed(1)] : ['n/a', 'n/a', 'n/a'];

const stepsTable = (r: BenchReport) =>
  [
    row(['contender', 'streams', 'exact', 'added p50 ms', 'added p99 ms', 'first token p99 ms', 'server CPU s', 'bench-process CPU s', 'other CPU s', 'machine busy', 'load avg', 'seconds']),
    row(Array(12).fill('---')),
    ...r.contenders.flatMap((c) =>
      [['headline', c.headline] as const, ...c.knee.stepReports.map((s) => ['knee step', s] as const)].map(([kind, s]) =>
        row([`${c.name} (${kind})`, s.streams, `${s.correctness.exact}/${s.correctness.chats}`, n(s.latenciesMs.added_latency?.p50), n(s.latenciesMs.added_latency?.p99), n(s.latenciesMs.first_token?.p99), n(s.cpuSeconds.servers), n(s.cpuSeconds.benchProcess), ...machineCells(s), n(s.durationSeconds)]),
      ),
    ),
  ].join('\n');

/** The Markdown page committed beside the JSON. */
export const markdown = (r: BenchReport): string => {
  const m = r.machine;
  const o = r.options;
  return `# Benchmark ${r.startedAt}

Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, host \`${m.hostname}\`.
Sharing the cores: ${m.sharing}.

Workload: every contender streams the same simulator (${o.tokensPerSecond} tokens/s, first token after ${o.firstTokenDelayMs} ms,
${o.answerTokens}-token answers). Headline: ${o.headlineStreams} concurrent streams. Knee: steps ${o.kneeSteps.join(', ')} until
added-latency p99 passes ${o.kneeLimitMs} ms or a chat is not exact (at most ${o.kneeBudgetSeconds} s per contender); the knee is the
largest step within the limit ("≥" when no step passed it). Run took ${r.durationSeconds.toFixed(0)} s.

This system's clients connect ${ROUTE[o.systemVia ?? 'dev']}.

Added latency = client receive time − the simulator's send time of that token (same clock). First-token overhead =
time from sending \`health_chat\` to the first \`chat_stream\` − the simulator's first-token delay.

## Headline (${o.headlineStreams} streams) and knee

${comparisonTable(r)}

## Targets

${targetsTable(r)}

## Every step

Other CPU s: CPU time of everything but the contender's servers and the benchmark process during the step (Redis,
PostgreSQL, and whatever else ran on the machine); machine busy: share of all ${m.cpus} cores busy during the step; load avg:
the 1-minute load average when the step started.

${stepsTable(r)}
`;
};

/** Writes `<dir>/<name>.json` and `<dir>/<name>.md`. */
export const writeBenchReport = (dir: string, name: string, r: BenchReport): { json: string; md: string } => {
  const files = writeReportFiles(dir, name, r, 'md', markdown(r));
  return { json: files.json, md: files.rendered };
};
