import type { KneeResult } from './knee';

/** The numbers the benchmark compares, per contender. */
export type ContenderSummary = {
  name: string;
  chats: number;
  exact: number;
  addedLatencyMs: { p50: number; p99: number };
  firstTokenOverheadMs: { p50: number; p99: number };
  knee: KneeResult;
};

/** `value / base`, or null when the base is zero or missing (no ratio to speak of). */
export const ratio = (value: number | null, base: number | null): number | null =>
  value === null || base === null || base === 0 ? null : value / base;

/** `unproven` when a knee beyond the largest step (a lower bound) leaves the comparison open. */
export type Verdict = 'met' | 'not met' | 'unproven';
export type TargetCheck = { target: string; verdict: Verdict; detail: string };

const f = (n: number | null, digits = 1) => (n === null ? 'n/a' : n.toFixed(digits));
export const kneeText = (k: KneeResult): string => (k.knee === null ? `< ${k.steps[0]?.streams ?? '?'}` : `${k.atLeast ? '≥ ' : ''}${k.knee}`);
const yes = (ok: boolean): Verdict => (ok ? 'met' : 'not met');

/** system knee ≥ ½ direct knee, with knees that may be lower bounds (never passed the limit). */
export const kneeAtLeastHalf = (system: KneeResult, direct: KneeResult): Verdict => {
  const s = system.knee ?? 0;
  const d = direct.knee ?? 0;
  if (direct.knee === null) return system.knee === null ? 'unproven' : 'met';
  if (s < d / 2) return 'not met';
  // The direct relay never passed the limit: its real knee may be far above the largest step.
  return direct.atLeast ? 'unproven' : 'met';
};

/** system knee ≥ `factor` × other knee (issue 16: 1.5× Socket.IO's), with the same care for lower bounds. */
export const kneeAtLeastTimes = (system: KneeResult, other: KneeResult, factor: number): Verdict => {
  const s = system.knee ?? 0;
  const o = other.knee ?? 0;
  if (!other.atLeast) return yes((system.knee !== null && other.knee === null) || (system.knee !== null && s >= factor * o));
  return system.atLeast && s >= factor * o ? 'unproven' : 'not met';
};

/** Issue 16's targets for this system, judged against the direct relay and Socket.IO from the same run. */
export const checkTargets = (system: ContenderSummary, direct: ContenderSummary, socketio: ContenderSummary): TargetCheck[] => {
  const latency = ratio(system.addedLatencyMs.p99, direct.addedLatencyMs.p99);
  const firstToken = ratio(system.firstTokenOverheadMs.p99, direct.firstTokenOverheadMs.p99);
  return [
    { target: '100% complete, exact text', verdict: yes(system.chats > 0 && system.exact === system.chats), detail: `${system.exact}/${system.chats}` },
    { target: 'added latency p99 ≤ 2× direct', verdict: yes(latency !== null && latency <= 2), detail: `${f(system.addedLatencyMs.p99)} vs ${f(direct.addedLatencyMs.p99)} ms = ${f(latency, 2)}×` },
    { target: 'first-token overhead p99 ≤ 3× direct', verdict: yes(firstToken !== null && firstToken <= 3), detail: `${f(system.firstTokenOverheadMs.p99)} vs ${f(direct.firstTokenOverheadMs.p99)} ms = ${f(firstToken, 2)}×` },
    { target: 'knee ≥ ½ direct', verdict: kneeAtLeastHalf(system.knee, direct.knee), detail: `${kneeText(system.knee)} vs ${kneeText(direct.knee)} streams` },
    { target: 'knee ≥ 1.5× Socket.IO + Redis adapter', verdict: kneeAtLeastTimes(system.knee, socketio.knee, 1.5), detail: `${kneeText(system.knee)} vs ${kneeText(socketio.knee)} streams` },
  ];
};
