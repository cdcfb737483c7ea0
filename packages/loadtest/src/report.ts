import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LatencySummary } from './histogram';

export type Report = {
  scenario: string;
  options: Record<string, unknown>;
  machine: { cpus: number; memoryGiB: number; node: string };
  startedAt: string;
  durationSeconds: number;
  outcomes: Record<string, number>;
  correctness: { chats: number; exact: number; lostTokens: number; duplicatedFrames: number; reorderedFrames: number };
  latenciesMs: Record<string, LatencySummary>;
  processes: { name: string; cpuSeconds: number; rssMiB: number }[];
  /** Redis work per delivered token: commands executed (script internals included) and script calls (round trips). */
  redisPerToken: { commands: number; roundTrips: number } | null;
  gatewayRssPerConnectionKiB: number | null;
};

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The table printed at the end of a run. */
export const summaryTable = (r: Report): string =>
  [
    row(['measure (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...Object.entries(r.latenciesMs).map(([name, s]) => row([name, s.count, fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.p999), fmt(s.max)])),
    '',
    `outcomes: ${JSON.stringify(r.outcomes)}`,
    `correctness: ${JSON.stringify(r.correctness)}`,
    `redis per token: ${r.redisPerToken === null ? 'n/a' : `${r.redisPerToken.roundTrips.toFixed(2)} script round trips, ${r.redisPerToken.commands.toFixed(1)} commands executed`}`,
    `gateway RSS per connection: ${r.gatewayRssPerConnectionKiB === null ? 'n/a' : `${r.gatewayRssPerConnectionKiB.toFixed(1)} KiB`}`,
    ...r.processes.map((p) => `${p.name}: cpu ${p.cpuSeconds.toFixed(1)} s, rss ${p.rssMiB.toFixed(0)} MiB`),
  ].join('\n');

const bars = (r: Report): string => {
  const entries = Object.entries(r.latenciesMs);
  const max = Math.max(1, ...entries.map(([, s]) => s.p99));
  return entries
    .map(([name, s], i) => {
      const y = 30 + i * 40;
      const w = (v: number) => Math.max(1, (v / max) * 600);
      return `<text x="0" y="${y}" font-size="12">${name}</text>
<rect x="160" y="${y - 12}" width="${w(s.p99)}" height="8" fill="#e8a0a0"><title>p99 ${fmt(s.p99)} ms</title></rect>
<rect x="160" y="${y - 3}" width="${w(s.p50)}" height="8" fill="#6a9fd4"><title>p50 ${fmt(s.p50)} ms</title></rect>
<text x="${170 + w(s.p99)}" y="${y}" font-size="11">p50 ${fmt(s.p50)} · p99 ${fmt(s.p99)} ms</text>`;
    })
    .join('\n');
};

/** Writes `<name>.json` and a self-contained `<name>.html` (no scripts, no network). */
export const writeReport = (dir: string, name: string, r: Report): { json: string; html: string } => {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const html = join(dir, `${name}.html`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  const height = 40 + Object.keys(r.latenciesMs).length * 40;
  writeFileSync(
    html,
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>AuraWell load test: ${r.scenario}</title>
<body style="font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto">
<h1>${r.scenario} — ${r.startedAt}</h1>
<p>${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ${r.durationSeconds.toFixed(1)} s; options <code>${JSON.stringify(r.options)}</code></p>
<h2>Latency percentiles (blue p50, red p99)</h2>
<svg width="960" height="${height}" role="img" aria-label="latency percentiles">${bars(r)}</svg>
<h2>Summary</h2><pre>${summaryTable(r).replace(/</g, '&lt;')}</pre>
</body></html>\n`,
  );
  return { json, html };
};
