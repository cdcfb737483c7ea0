import { cpus, hostname, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';
import { startLocalTopology, type Target } from '../topology';
import { buildReport, comparisonTable, writeBenchReport, type BenchOptions, type ContenderResult } from './bench-report';
import { startDirectContender, startSocketIoContender, systemContender, type Contender } from './contenders';
import { searchKnee } from './knee';
import { runStep, type StepReport } from './run-step';

// `pnpm bench`: this system, the direct relay and Socket.IO + Redis adapter, one after another on
// the same simulator, in one run; prints the comparison and writes bench/results/<date>-<host>.{json,md}.

const { values } = parseArgs({
  options: {
    tps: { type: 'string', default: '30' },
    'first-token-ms': { type: 'string', default: '200' },
    'answer-tokens': { type: 'string', default: '120' },
    streams: { type: 'string', default: '200' },
    steps: { type: 'string', default: '50,100,200,400,800' },
    'limit-ms': { type: 'string', default: '50' },
    'knee-budget-s': { type: 'string', default: '90' },
    /** How this system's clients reach the gateways: straight (as the others' clients reach them), through nginx, or the dev edge. */
    'system-via': { type: 'string', default: 'gateways' },
    sharing: { type: 'string', default: 'the benchmark process (clients and simulator), Redis, PostgreSQL, every contender process, and whatever else runs on the machine' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
  },
});

const systemVia = (v: string): BenchOptions['systemVia'] => {
  if (v === 'gateways' || v === 'nginx' || v === 'dev') return v;
  throw new Error(`--system-via must be gateways, nginx or dev, not ${v}`);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);
const brief = (s: StepReport) =>
  `${s.streams} streams: ${s.correctness.exact}/${s.correctness.chats} exact, added p50 ${s.latenciesMs.added_latency?.p50.toFixed(1)} / p99 ${s.latenciesMs.added_latency?.p99.toFixed(1)} ms, first token p99 ${s.latenciesMs.first_token?.p99.toFixed(0)} ms (${s.durationSeconds.toFixed(1)} s)`;

const optionsOf = (): BenchOptions => ({
  tokensPerSecond: Number(values.tps),
  firstTokenDelayMs: Number(values['first-token-ms']),
  answerTokens: Number(values['answer-tokens']),
  headlineStreams: Number(values.streams),
  kneeSteps: String(values.steps).split(',').map(Number),
  kneeLimitMs: Number(values['limit-ms']),
  kneeBudgetSeconds: Number(values['knee-budget-s']),
  systemVia: systemVia(String(values['system-via'])),
});

/** The machine the report was taken on, and what shared it. */
const machineOf = () => {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    os: `${type()} ${release()}`,
    hostname: hostname(),
    sharing: String(values.sharing),
  };
};

/** One contender's warm-up (not recorded), headline step and knee search; `key` tags its users. */
const benchContender = async (contender: Contender, key: string, target: Target, options: BenchOptions): Promise<ContenderResult> => {
  const step = async (streams: number, tag: string) => {
    target.sim!.clearTranscripts();
    await sleep(2000); // let the previous step's sockets close
    return runStep(streams, `b${key}_${tag}${streams}`, contender.runUser, () => contender.serverCpu());
  };
  log(`\n== ${contender.name}`);
  // Warm-up (JIT, connection pools, BullMQ and Redis clients) at half the headline, not recorded.
  log(`warm-up: ${brief(await step(Math.max(20, Math.floor(options.headlineStreams / 2)), 'w'))}`);
  const headline = await step(options.headlineStreams, 'h');
  log(`headline: ${brief(headline)}`);
  const stepReports: StepReport[] = [];
  const knee = await searchKnee(options.kneeSteps, options.kneeLimitMs, options.kneeBudgetSeconds * 1000, async (streams) => {
    const s = await step(streams, 'k');
    stepReports.push(s);
    log(`knee step: ${brief(s)}`);
    return { streams, addedLatencyP99Ms: s.latenciesMs.added_latency?.p99 ?? Infinity, complete: s.correctness.chats === streams && s.correctness.exact === streams };
  });
  return { name: contender.name, headline, knee: { ...knee, stepReports } };
};

const main = async (): Promise<void> => {
  const started = Date.now();
  const options = optionsOf();
  // Same defaults as `pnpm start` on a machine of the README's kind; the topology makes its own database and prefix.
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  const redisUrl = process.env.REDIS_URL;
  const timeoutMs = 60_000 + (options.answerTokens / options.tokensPerSecond) * 1000;
  log(`starting the system (2 gateways, 2 workers) and the simulator at ${options.tokensPerSecond} tokens/s`);
  const edge = options.systemVia === 'gateways' ? 'none' : options.systemVia;
  const connections = Math.max(options.headlineStreams, ...options.kneeSteps);
  const target: Target = await startLocalTopology({ gateways: 2, workers: 2, tokensPerSecond: options.tokensPerSecond, firstTokenDelayMs: options.firstTokenDelayMs, answerTokens: options.answerTokens, edge, connections });
  const results: ContenderResult[] = [];
  try {
    const starters: (() => Promise<Contender>)[] = [
      async () => systemContender(target, timeoutMs, options.systemVia === 'gateways' ? 'gateways' : 'edge'),
      () => startDirectContender(target, timeoutMs),
      () => startSocketIoContender(target, timeoutMs, redisUrl),
    ];
    for (const [index, start] of starters.entries()) {
      const contender = await start();
      try {
        results.push(await benchContender(contender, ['sys', 'dir', 'sio'][index]!, target, options));
      } finally {
        await contender.stop();
      }
    }
  } finally {
    await target.stop();
  }
  const report = buildReport(started, machineOf(), options, results);
  log(`\n${comparisonTable(report)}\n`);
  for (const t of report.targets) log(`${t.verdict.padEnd(9)} ${t.target}: ${t.detail}`);
  const date = `${report.startedAt.slice(0, 10)}T${report.startedAt.slice(11, 16).replace(':', '')}`;
  const files = writeBenchReport(String(values.out), `${date}-${hostname().replace(/[^\w.-]/g, '_')}`, report);
  log(`\nresults: ${files.json}\n         ${files.md}`);
  process.exit(0);
};

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
