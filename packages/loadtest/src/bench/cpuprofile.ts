import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a self-time summary needs. */
export type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

export type SelfTime = { name: string; ms: number; share: number };

/**
 * A span of the monotonic clock in microseconds: V8 stamps samples with CLOCK_MONOTONIC, the same
 * clock as `process.hrtime` in any process of the machine, so a window taken in the benchmark
 * process selects the samples of the measured step in a service's profile.
 */
export type Window = { fromUs: number; toUs: number };

/** The monotonic clock now, in microseconds (comparable with a profile's sample times). */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Node's own markers for time not spent in JavaScript: idle is excluded, GC and native kept. */
const IDLE = new Set(['(idle)', '(program)']);

const shortUrl = (url: string): string => {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  const repo = /\/(packages|services)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return url.replace(/^node:/, '').replace(/^file:\/\//, '');
};

/** `name (file:line)`, or the marker itself for GC, idle and the like. */
const frameName = (f: CpuProfile['nodes'][number]['callFrame']): string =>
  f.url ? `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}` : f.functionName;

/** Where a frame's code lives: a package name, a repo module, or node's internals. */
const area = (f: CpuProfile['nodes'][number]['callFrame']): string => {
  if (!f.url) return f.functionName;
  const s = shortUrl(f.url);
  if (s.startsWith('packages/') || s.startsWith('services/')) return s.split('/').slice(0, 2).join('/');
  if (f.url.includes('node_modules')) return s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/');
  return s.startsWith('internal/') ? 'node internals' : s.split('/')[0]!;
};

type Tally = { busyMs: number; spanMs: number; rows: SelfTime[] };

const tally = (p: CpuProfile, key: (f: CpuProfile['nodes'][number]['callFrame']) => string, top: number, w?: Window): Tally => {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const ms = new Map<string, number>();
  let busy = 0;
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    const delta = p.timeDeltas[i] ?? 0;
    at += delta;
    const f = byId.get(id);
    if (!f || IDLE.has(f.functionName) || (w && (at < w.fromUs || at > w.toUs))) return;
    const dt = delta / 1000;
    busy += dt;
    const k = key(f);
    ms.set(k, (ms.get(k) ?? 0) + dt);
  });
  const rows = [...ms].map(([name, t]) => ({ name, ms: t, share: busy > 0 ? t / busy : 0 })).sort((a, b) => b.ms - a.ms);
  const spanMs = ((w ? Math.min(w.toUs, p.endTime) - Math.max(w.fromUs, p.startTime) : p.endTime - p.startTime) / 1000);
  return { busyMs: busy, spanMs, rows: rows.slice(0, top) };
};

/** Self time by function (top `top`), excluding idle: what the process spent its CPU on. */
export const selfTimeByFunction = (p: CpuProfile, top = 25, w?: Window): Tally => tally(p, frameName, top, w);

/** Self time by package or repo module. */
export const selfTimeByArea = (p: CpuProfile, top = 15, w?: Window): Tally => tally(p, area, top, w);

export const readCpuProfile = (path: string): CpuProfile => JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;

/** A plain-text table of one profile's top costs. */
export const formatSelfTimes = (title: string, p: CpuProfile, top = 25, w?: Window): string => {
  const fn = selfTimeByFunction(p, top, w);
  const byArea = selfTimeByArea(p, 15, w);
  const line = (r: SelfTime) => `  ${r.ms.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`;
  return [
    `${title}: ${fn.busyMs.toFixed(0)} ms busy in ${fn.spanMs.toFixed(0)} ms`,
    ' by area:',
    ...byArea.rows.map(line),
    ' by function (self time):',
    ...fn.rows.map(line),
  ].join('\n');
};
