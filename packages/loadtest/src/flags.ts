import { SCENARIOS, type ScenarioName } from './shard-protocol';

/** One command-line flag: which scenarios take it, its default (per scenario where they differ), its help. */
export type Flag = {
  name: string;
  help: string;
  scenarios: readonly ScenarioName[];
  default?: string | Partial<Record<ScenarioName, string>>;
  boolean?: true;
};

const ALL = SCENARIOS;
const CHATTY: readonly ScenarioName[] = ['chat', 'mixed', 'storm', 'voice'];
const HOLDING: readonly ScenarioName[] = ['connect', 'idle'];
export const DEFAULT_ROUTES = '/api/v1/health/summary,/api/v1/chat/conversations,/api/v1/user/profile';

/** Every flag of `pnpm loadtest`; `--help` and the README are written from this table. */
export const FLAGS: readonly Flag[] = [
  { name: 'scenario', scenarios: ALL, default: 'chat', help: `${SCENARIOS.join(' | ')}` },
  { name: 'topology', scenarios: ALL, default: '1x1', help: 'GxW: G gateways and W workers started on this machine (ignored with --url)' },
  { name: 'edge', scenarios: ALL, default: 'auto', help: 'auto | dev | nginx | none: what clients connect through locally (auto: nginx when G ≥ 2 and nginx is installed, else the dev edge; none: straight to the gateways)' },
  { name: 'url', scenarios: ALL, help: 'run against this public origin instead (a gateway, an edge, nginx); users log in through its api' },
  { name: 'api-url', scenarios: ALL, help: 'with --url: the REST origin when --url is a lone gateway' },
  { name: 'sim-url', scenarios: ALL, help: "with --url: the simulator the fleet's workers use (then texts are checked against its transcripts)" },
  { name: 'redis-url', scenarios: ALL, help: "with --url: the fleet's Redis (Redis commands per token)" },
  { name: 'gateway-metrics', scenarios: ALL, help: "with --url: the gateways' ops /metrics URLs, comma-separated (gateway memory)" },
  { name: 'user-prefix', scenarios: ALL, default: 'loadtest', help: 'load users are <prefix>_<i>; with --url they are registered on first use' },
  { name: 'password', scenarios: ALL, default: 'loadtest-password', help: "with --url: the load users' password" },
  { name: 'per-user', scenarios: ALL, default: '1', help: 'connections per user (the gateways admit 3 per user)' },
  { name: 'procs', scenarios: ALL, default: '1', help: 'client processes (1: in the harness process); users and rates are split between them' },
  { name: 'tps', scenarios: ALL, default: '30', help: "the simulator's tokens per second per answer" },
  { name: 'first-token-ms', scenarios: ALL, default: '200', help: "the simulator's first-token delay" },
  { name: 'answer-tokens', scenarios: ALL, default: { storm: '300' }, help: 'tokens per answer (default 120; storm 300, so the drop comes mid-answer)' },
  { name: 'timeout-s', scenarios: ALL, default: '120', help: 'a chat with no end by then counts as a timeout; also the connect timeout' },
  { name: 'backoff-initial-ms', scenarios: ALL, default: '250', help: "the client SDK's reconnect backoff: first ceiling (full jitter)" },
  { name: 'backoff-max-ms', scenarios: ALL, default: '15000', help: "the client SDK's reconnect backoff: largest ceiling" },
  { name: 'out', scenarios: ALL, help: 'report directory (default loadtest-results/)' },
  { name: 'users', scenarios: CHATTY, default: { chat: '100', mixed: '50', storm: '200', voice: '20' }, help: 'users, one connection each' },
  { name: 'ramp', scenarios: CHATTY, default: '200', help: 'users started per second' },
  { name: 'chats', scenarios: ['chat'], default: '1', help: 'chats per user' },
  { name: 'think-ms', scenarios: ['chat', 'mixed', 'voice'], default: '500', help: 'think time between a user\'s chats or utterances (× 0.5–1.5)' },
  { name: 'connections', scenarios: HOLDING, default: { connect: '1000', idle: '2000' }, help: 'connections to open and hold' },
  { name: 'rate', scenarios: HOLDING, default: '500', help: 'connections opened per second' },
  { name: 'hold', scenarios: HOLDING, default: { connect: '10', idle: '30' }, help: 'seconds to hold them open' },
  { name: 'warmup', scenarios: HOLDING, default: { connect: '0', idle: '200' }, help: 'connections opened before the memory baseline (memory per connection is marginal: after them)' },
  { name: 'heartbeat-ms', scenarios: HOLDING, default: { idle: '5000' }, help: "local topology: the gateways' ping interval (HEARTBEAT_INTERVAL_MS; the SDK's socket answers the pings)" },
  { name: 'duration', scenarios: ['mixed'], default: '20', help: 'seconds of load: users chat until then, REST runs until then' },
  { name: 'rest-rate', scenarios: ['mixed'], default: '200', help: 'REST GETs per second (open loop), in all' },
  { name: 'routes', scenarios: ['mixed'], default: DEFAULT_ROUTES, help: 'GET routes, comma-separated, taken in turn' },
  { name: 'rest-login', scenarios: ['mixed'], default: 'demo_user:demo_password,test_user:test_password', help: 'user:password pairs whose tokens the GETs use (the seeded demo users)' },
  { name: 'arm-tokens', scenarios: ['storm'], default: '10', help: 'the drop comes once every user has received this many tokens of its answer' },
  { name: 'arm-timeout-s', scenarios: ['storm'], default: '60', help: '…or after this long, whatever has arrived' },
  { name: 'kill-gateway', scenarios: ['storm'], boolean: true, help: 'SIGKILL one gateway of the local topology instead of terminating every client socket (its clients drop)' },
  { name: 'utterances', scenarios: ['voice'], default: '1', help: 'spoken questions per user, each answered in text and speech' },
  { name: 'utterance-ms', scenarios: ['voice'], default: '1500', help: "length of each user's recorded utterance (16 kHz PCM16 WAV whose transcript the simulator knows), 100–55000 (the gateways drop utterances past 60 s)" },
  { name: 'frame-ms', scenarios: ['voice'], default: '100', help: 'audio per binary WebSocket frame (the page sends 250 ms chunks)' },
  { name: 'pace', scenarios: ['voice'], default: '1', help: 'how fast the audio is sent: 1 as it is spoken (a frame every --frame-ms), 2 twice as fast, 0 all at once' },
  { name: 'help', scenarios: ALL, boolean: true, help: 'this text' },
];

/** A flag's default for one scenario (or the common default), as help shows it. */
const defaultText = (f: Flag, s?: ScenarioName): string => {
  const d = typeof f.default === 'string' ? f.default : s === undefined ? undefined : f.default?.[s];
  return d === undefined ? '' : ` (default ${d})`;
};

const usageLine = (f: Flag, s?: ScenarioName): string => `  --${f.name}${f.boolean ? '' : ' <value>'}${defaultText(f, s)}\n      ${f.help}`;

/** `--help`: the common flags, then each scenario's own. */
export const helpText = (): string => {
  const common = FLAGS.filter((f) => f.scenarios.length === ALL.length);
  const own = (s: ScenarioName) => FLAGS.filter((f) => f.scenarios.length < ALL.length && f.scenarios.includes(s));
  return [
    'pnpm loadtest --scenario <name> [flags]: load the system, check every answer, report (loadtest-results/*.json, *.html)',
    '',
    'common flags:',
    ...common.map((f) => usageLine(f)),
    ...SCENARIOS.flatMap((s) => ['', `--scenario ${s}:`, ...own(s).map((f) => usageLine(f, s))]),
  ].join('\n');
};

/** The value of a flag for a scenario: given, else its default for that scenario. */
export const flagValue = (given: Record<string, string | boolean | undefined>, name: string, scenario: ScenarioName): string | undefined => {
  const v = given[name];
  if (typeof v === 'string') return v;
  const f = FLAGS.find((x) => x.name === name);
  return typeof f?.default === 'string' ? f.default : f?.default?.[scenario];
};
