import { parseArgs } from 'node:util';
import { FLAGS, flagValue } from './flags';
import { SCENARIOS, type ScenarioName } from './shard-protocol';

export type EdgeChoice = 'auto' | 'dev' | 'nginx' | 'none';

/** Everything a run needs, parsed and checked. */
export type LoadOptions = {
  scenario: ScenarioName;
  gateways: number;
  workers: number;
  edge: EdgeChoice;
  url: string | null;
  apiUrl: string | null;
  simUrl: string | null;
  redisUrl: string | null;
  gatewayMetrics: string[];
  userPrefix: string;
  password: string;
  perUser: number;
  procs: number;
  tps: number;
  firstTokenMs: number;
  answerTokens: number;
  timeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  out: string | null;
  /** Users (chat, mixed, storm) or connections (connect, idle). */
  clients: number;
  /** Users or connections started per second (0: all at once). */
  rampPerSecond: number;
  chats: number;
  thinkMs: number;
  holdSeconds: number;
  warmup: number;
  heartbeatMs: number | null;
  durationSeconds: number;
  restRate: number;
  routes: string[];
  restLogin: string[];
  armTokens: number;
  armTimeoutMs: number;
  killGateway: boolean;
  /** voice: each utterance's length, audio per binary frame, and sending pace (× real time; 0: all at once). */
  utteranceMs: number;
  frameMs: number;
  pace: number;
};

export class UsageError extends Error {}

/** Talking longer than this risks the gateways' VOICE_MAX_UTTERANCE_MS (60 s by default, counted from voice_start). */
const MAX_UTTERANCE_MS = 55_000;

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** Reads a non-negative number, or says which flag is wrong. */
const numberOf = (name: string, v: string | undefined, min = 0): number => {
  const n = Number(v ?? 0);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min} (got ${v})`);
  return n;
};

const topologyOf = (v: string): { gateways: number; workers: number } => {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--topology must be GxW, e.g. 2x2 (got ${v})`);
  return { gateways: Number(m[1]), workers: Number(m[2]) };
};

const scenarioOf = (v: string | boolean | undefined): ScenarioName => {
  const s = typeof v === 'string' ? v : 'chat';
  if (!(SCENARIOS as readonly string[]).includes(s)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')} (got ${s})`);
  return s as ScenarioName;
};

/** Flags given that the scenario does not take are an error, not silently ignored. */
const checkApplicable = (given: Record<string, unknown>, scenario: ScenarioName): void => {
  for (const name of Object.keys(given)) {
    const f = FLAGS.find((x) => x.name === name);
    if (f && !f.scenarios.includes(scenario)) throw new UsageError(`--${name} does not apply to --scenario ${scenario} (it is for ${f.scenarios.join(', ')})`);
  }
};

/** Combinations that cannot work, said before anything starts. */
const checkCombination = (o: LoadOptions): LoadOptions => {
  if (o.warmup >= o.clients && o.warmup > 0) throw new UsageError(`--warmup (${o.warmup}) must be below --connections (${o.clients})`);
  if (o.procs > o.clients) throw new UsageError(`--procs (${o.procs}) is more than there are users or connections (${o.clients})`);
  if (o.url === null && (o.apiUrl ?? o.simUrl ?? o.redisUrl) !== null) throw new UsageError('--api-url, --sim-url and --redis-url go with --url');
  if (o.url === null && o.gatewayMetrics.length > 0) throw new UsageError('--gateway-metrics goes with --url');
  if (o.url !== null && o.killGateway) throw new UsageError('--kill-gateway needs the local topology (not --url)');
  if (o.url === null && o.killGateway && o.gateways < 2) throw new UsageError('--kill-gateway needs at least two gateways (e.g. --topology 2x2)');
  if (o.scenario === 'voice' && (o.utteranceMs < 100 || o.utteranceMs > MAX_UTTERANCE_MS)) throw new UsageError(`--utterance-ms must be 100–${MAX_UTTERANCE_MS} (got ${o.utteranceMs})`);
  if (o.scenario === 'voice' && o.pace > 0 && o.utteranceMs / o.pace > MAX_UTTERANCE_MS) throw new UsageError(`--utterance-ms / --pace is ${o.utteranceMs / o.pace} ms of talking: over ${MAX_UTTERANCE_MS} the gateways drop it (VOICE_TOO_LONG)`);
  return o;
};

type ScenarioFields = Pick<
  LoadOptions,
  'clients' | 'rampPerSecond' | 'chats' | 'holdSeconds' | 'warmup' | 'durationSeconds' | 'restRate' | 'armTokens' | 'armTimeoutMs' | 'utteranceMs' | 'frameMs' | 'pace'
>;

/** The options only some scenarios read; the others get their neutral value. */
const scenarioFields = (scenario: ScenarioName, num: (name: string, min?: number) => number): ScenarioFields => {
  const holding = scenario === 'connect' || scenario === 'idle';
  return {
    clients: holding ? num('connections', 1) : num('users', 1),
    rampPerSecond: holding ? num('rate') : num('ramp'),
    chats: scenario === 'chat' ? num('chats', 1) : scenario === 'voice' ? num('utterances', 1) : 1,
    holdSeconds: holding ? num('hold') : 0,
    warmup: holding ? num('warmup') : 0,
    durationSeconds: scenario === 'mixed' ? num('duration', 1) : 0,
    restRate: scenario === 'mixed' ? num('rest-rate') : 0,
    armTokens: scenario === 'storm' ? num('arm-tokens', 1) : 0,
    armTimeoutMs: scenario === 'storm' ? num('arm-timeout-s', 1) * 1000 : 0,
    utteranceMs: scenario === 'voice' ? num('utterance-ms') : 0,
    frameMs: scenario === 'voice' ? num('frame-ms', 10) : 0,
    pace: scenario === 'voice' ? num('pace') : 0,
  };
};

/** The flags as given (unknown ones and missing values are a UsageError). */
const givenFlags = (argv: string[]): Record<string, string | boolean | undefined> => {
  try {
    return parseArgs({ args: argv, options: Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.boolean ? 'boolean' : 'string' }])) }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
};

/** Parses `pnpm loadtest` arguments; null when `--help` was asked for. Throws UsageError on bad input. */
export const parseLoadArgs = (argv: string[]): LoadOptions | null => {
  const given = givenFlags(argv);
  if (given.help) return null;
  const scenario = scenarioOf(given.scenario);
  checkApplicable(given, scenario);
  const v = (name: string) => flagValue(given, name, scenario);
  const num = (name: string, min = 0) => numberOf(name, v(name), min);
  const edge = v('edge') as EdgeChoice;
  if (!['auto', 'dev', 'nginx', 'none'].includes(edge)) throw new UsageError(`--edge must be auto, dev, nginx or none (got ${edge})`);
  return checkCombination({
    scenario,
    ...topologyOf(v('topology') ?? '1x1'),
    edge,
    url: v('url') ?? null,
    apiUrl: v('api-url') ?? null,
    simUrl: v('sim-url') ?? null,
    redisUrl: v('redis-url') ?? null,
    gatewayMetrics: list(v('gateway-metrics')),
    userPrefix: v('user-prefix') ?? 'loadtest',
    password: v('password') ?? '',
    perUser: num('per-user', 1),
    procs: num('procs', 1),
    tps: num('tps', 1),
    firstTokenMs: num('first-token-ms'),
    answerTokens: v('answer-tokens') === undefined ? 120 : num('answer-tokens', 1),
    timeoutMs: num('timeout-s', 1) * 1000,
    backoff: { initialMs: num('backoff-initial-ms', 1), maxMs: num('backoff-max-ms', 1) },
    out: v('out') ?? null,
    ...scenarioFields(scenario, num),
    thinkMs: v('think-ms') === undefined ? 0 : num('think-ms'),
    heartbeatMs: v('heartbeat-ms') === undefined ? null : num('heartbeat-ms', 100),
    routes: list(v('routes')),
    restLogin: list(v('rest-login')),
    killGateway: given['kill-gateway'] === true,
  });
};
