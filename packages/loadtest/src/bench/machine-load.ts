import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Busy and total CPU time of the whole machine so far, in seconds (Linux /proc/stat, every core). */
export type MachineCpu = { busy: number; total: number };

export const machineCpu = (): MachineCpu => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((s, v) => s + v, 0);
  // idle and iowait are the 4th and 5th fields; the rest is work.
  return { busy: (total - (fields[3] ?? 0) - (fields[4] ?? 0)) / 100, total: total / 100 };
};

/** What else the machine did while a step ran: to tell a slow contender from a busy machine. */
export type MachineLoad = {
  /** 1-minute load average when the step started. */
  loadAverage: number;
  /** Share of all cores busy during the step, 0–100. */
  busyPercent: number;
  /** CPU seconds of everything but the contender's servers and the benchmark process: Redis, PostgreSQL, other people's work. */
  otherCpuSeconds: number;
};

/** Starts watching; the returned function ends the step and gets the load, given the CPU the step's own processes used. */
export const watchMachine = (): ((ownCpuSeconds: number) => MachineLoad) => {
  const loadAverage = loadavg()[0] ?? 0;
  const before = machineCpu();
  return (ownCpuSeconds) => {
    const after = machineCpu();
    const busy = after.busy - before.busy;
    const total = after.total - before.total;
    return { loadAverage, busyPercent: total > 0 ? (100 * busy) / total : 0, otherCpuSeconds: Math.max(0, busy - ownCpuSeconds) };
  };
};
