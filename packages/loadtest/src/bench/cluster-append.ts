import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg, release, totalmem, type } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';
import { forkLoad, runChild, type Counts, type LoadChild, type LoadConfig } from './cluster-append-load';
import { nodeCpu, startSetup, type NodeCpu, type Setup } from './cluster-append-redis';
import { markdown, resultsTable, comparisons, writeClusterAppendReport, type ClusterAppendReport, type SetupResult } from './cluster-append-report';
import { machineCpu, type MachineCpu } from './machine-load';

// `pnpm --dir packages/loadtest bench:cluster` (issue 17): the generation store's real append path
// (start, claim, one Lua script per frame: XADD + SPUBLISH) driven by forked writer processes, with a
// subscriber SSUBSCRIBEd to every user's channel, on a standalone redis-server, a 1-primary and a
// 3-primary Redis Cluster (each primary with a replica), one after another. Per setup: frames/s
// written and delivered, Redis CPU per frame (INFO cpu) over the primaries and over the replicas.
// Prints the table and writes bench/results/<date>-cluster-append.{md,json}.
// `--from-json <file>` renders the page of an earlier run again, without running.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    setups: { type: 'string', default: 'standalone,cluster-1,cluster-3' },
    users: { type: 'string', default: '2000' },
    writers: { type: 'string', default: '2' },
    'answer-frames': { type: 'string', default: '200' },
    'warmup-s': { type: 'string', default: '3' },
    'window-s': { type: 'string', default: '10' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    'from-json': { type: 'string' },
  },
});

type Options = ClusterAppendReport['options'];

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops of whatever is running now (servers, children), for SIGINT/SIGTERM. */
const cleanups = new Set<() => Promise<void>>();

type Snapshot = { at: number; writers: Counts[]; sub: Counts; nodes: NodeCpu[]; machine: MachineCpu };

const snapshot = async (setup: Setup, writers: LoadChild[], sub: LoadChild): Promise<Snapshot> => {
  const [w, s, nodes] = await Promise.all([Promise.all(writers.map((c) => c.ask('sample'))), sub.ask('sample'), Promise.all(setup.nodes.map(nodeCpu))]);
  return { at: performance.now(), writers: w, sub: s, nodes, machine: machineCpu() };
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const written = (cs: Counts[]) => sum(cs.map((c) => c.started + c.appended));

/** The window between two snapshots, per frame written. */
const resultOf = (setup: Setup, a: Snapshot, b: Snapshot, drained: SetupResult['drained'], loadAtStart: number[]): SetupResult => {
  const seconds = (b.at - a.at) / 1000;
  const frames = written(b.writers) - written(a.writers);
  const delta = (role: 'primary' | 'replica', pick: (n: NodeCpu) => number) => b.nodes.flatMap((n, i) => (n.role === role ? [pick(n) - pick(a.nodes[i]!)] : []));
  const cpu = (role: 'primary' | 'replica') => delta(role, (n) => n.cpu);
  const us = (s: number) => (s * 1e6) / frames;
  const bytes = sum(b.writers.map((c) => c.frameBytes)) - sum(a.writers.map((c) => c.frameBytes));
  const errors = sum(b.writers.map((c) => c.errors));
  return {
    name: setup.name, describe: setup.describe, primaries: cpu('primary').length, replicas: cpu('replica').length, windowSeconds: seconds,
    framesPerSecond: frames / seconds,
    appendsPerSecond: (sum(b.writers.map((c) => c.appended)) - sum(a.writers.map((c) => c.appended))) / seconds,
    deliveredPerSecond: (b.sub.delivered - a.sub.delivered) / seconds,
    redisUsPerFrame: { primaries: us(sum(cpu('primary'))), replicas: us(sum(cpu('replica'))) },
    framesPerRead: frames / sum(delta('primary', (n) => n.reads)),
    busPublishesPerFrame: sum(delta('primary', (n) => n.busPublishes)) / frames,
    primaryCpuPercent: cpu('primary').map((s) => (100 * s) / seconds),
    replicaCpuPercent: cpu('replica').map((s) => (100 * s) / seconds),
    writersUsPerFrame: (sum(b.writers.map((c) => c.cpuMicros)) - sum(a.writers.map((c) => c.cpuMicros))) / frames,
    subscriberUsPerFrame: (b.sub.cpuMicros - a.sub.cpuMicros) / frames,
    machineBusyPercent: (100 * (b.machine.busy - a.machine.busy)) / (b.machine.total - a.machine.total),
    aofRewriteCpuSeconds: sum(b.nodes.map((n, i) => n.childrenCpu - a.nodes[i]!.childrenCpu)),
    meanFrameBytes: bytes / frames,
    errors, firstError: b.writers.find((c) => c.firstError)?.firstError ?? null,
    drained, loadAverageAtStart: loadAtStart,
  };
};

/** After the writers stopped: waits (up to 5 s) until the subscriber has every frame written. */
const drain = async (sub: LoadChild, published: number): Promise<SetupResult['drained']> => {
  let delivered = 0;
  for (const deadline = Date.now() + 5000; Date.now() < deadline && delivered < published; await sleep(200)) delivered = (await sub.ask('sample')).delivered;
  return { published, delivered };
};

const split = <T>(xs: T[], n: number): T[][] => Array.from({ length: n }, (_, i) => xs.filter((_, j) => j % n === i));

/** Subscriber, then writers; warm-up, the measured window, stop, drain. */
const measure = async (setup: Setup, o: Options, children: ChildProcess[]): Promise<SetupResult> => {
  const loadAtStart = loadavg();
  const users = Array.from({ length: o.users }, (_, i) => `bench-u${i}`);
  const cfg = (us: string[]): LoadConfig => ({ target: setup.target, prefix: `awbench:${setup.name}`, users: us, answerFrames: o.answerFrames });
  const track = (c: ChildProcess) => void children.push(c);
  const sub = await forkLoad(__filename, 'subscriber', cfg(users), track);
  const writers = await Promise.all(split(users, o.writers).map((us) => forkLoad(__filename, 'writer', cfg(us), track)));
  await Promise.all(writers.map((w) => w.ask('go')));
  await sleep(o.warmupSeconds * 1000);
  const a = await snapshot(setup, writers, sub);
  await sleep(o.windowSeconds * 1000);
  const b = await snapshot(setup, writers, sub);
  const finals = await Promise.all(writers.map((w) => w.ask('stop')));
  const drained = await drain(sub, written(finals));
  await sub.ask('stop');
  return resultOf(setup, a, b, drained, loadAtStart);
};

const runSetup = async (name: string, o: Options): Promise<SetupResult> => {
  log(`\n== ${name}: starting redis-server processes`);
  const starting = startSetup(name);
  const children: ChildProcess[] = [];
  // Registered before the servers are up: a signal while they start stops them once they are (a failed start stops its own).
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill();
    await (await starting.catch(() => null))?.stop();
  };
  cleanups.add(stop);
  try {
    const setup = await starting;
    log(`${setup.describe}; nodes ${setup.nodes.map((n) => `${n.port} ${n.role}`).join(', ')}`);
    const r = await measure(setup, o, children);
    log(`${r.name}: ${Math.round(r.framesPerSecond)} frames/s written, ${Math.round(r.deliveredPerSecond)} delivered, Redis ${r.redisUsPerFrame.primaries.toFixed(2)} µs/frame (primaries) + ${r.redisUsPerFrame.replicas.toFixed(2)} (replicas), machine ${r.machineBusyPercent.toFixed(0)}% busy, errors ${r.errors}`);
    return r;
  } finally {
    await stop();
    cleanups.delete(stop);
  }
};

const machineOf = (): ClusterAppendReport['machine'] => {
  const cpu = cpus();
  const redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  return { nproc: availableParallelism(), cpuModel: cpu[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.versions.node, redis, hostname: hostname() };
};

const optionsOf = (): Options => ({
  users: Number(values.users),
  writers: Number(values.writers),
  answerFrames: Number(values['answer-frames']),
  warmupSeconds: Number(values['warmup-s']),
  windowSeconds: Number(values['window-s']),
});

const print = (r: ClusterAppendReport) => log(`\n${resultsTable(r)}\n\n${comparisons(r).join('\n')}\n`);

const main = async (): Promise<void> => {
  const started = Date.now();
  const options = optionsOf();
  const before = loadavg();
  const machine = machineOf();
  const setups: SetupResult[] = [];
  for (const name of String(values.setups).split(',')) setups.push(await runSetup(name.trim(), options));
  const startedAt = new Date(started).toISOString();
  const report: ClusterAppendReport = { startedAt, durationSeconds: (Date.now() - started) / 1000, machine, loadAverage: { before, after: loadavg() }, options, setups };
  print(report);
  const files = writeClusterAppendReport(String(values.out), `${startedAt.slice(0, 10)}T${startedAt.slice(11, 16).replace(':', '')}-cluster-append`, report);
  log(`results: ${files.md}\n         ${files.json}`);
};

/** Renders the page of an earlier run's JSON again (same name, .md). */
const rerender = (file: string) => {
  const report = JSON.parse(readFileSync(file, 'utf8')) as ClusterAppendReport;
  const name = basename(file, '.json');
  writeClusterAppendReport(join(file, '..'), name, report);
  log(markdown(report));
};

const fail = (err: unknown) => {
  process.stderr.write(`bench:cluster failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
};

if (positionals[0] === 'writer' || positionals[0] === 'subscriber') {
  runChild(positionals).catch(fail);
} else if (values['from-json']) {
  rerender(values['from-json']);
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping every process the benchmark started`);
      void Promise.allSettled([...cleanups].map((stop) => stop())).finally(() => process.exit(130));
    });
  }
  main()
    .then(() => process.exit(0))
    .catch(async (err: unknown) => {
      await Promise.allSettled([...cleanups].map((stop) => stop()));
      fail(err);
    });
}
