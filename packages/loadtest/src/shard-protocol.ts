import type { Counters } from './counters';
import type { EncodedRecorders } from './histogram';

/** A user the harness acts as: the id in the chat path and a token the api issued (or the harness minted) for it. */
export type Credential = { userId: string; token: string };

export const SCENARIOS = ['chat', 'connect', 'idle', 'mixed', 'storm', 'voice'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** REST load one client process generates (mixed scenario). */
export type RestPlan = { ratePerSecond: number; routes: string[]; tokens: string[] };

/**
 * How a voice user speaks (voice scenario): each utterance is `utteranceMs` of 16 kHz PCM16 WAV,
 * sent in binary frames of `frameMs` of audio at `pace` × real time (0: all at once).
 */
export type VoicePlan = { utteranceMs: number; frameMs: number; pace: number };

/** What one client process does: its users and the scenario's settings (its share of every rate). */
export type ShardSpec = {
  index: number;
  scenario: ScenarioName;
  wsUrls: string[];
  httpBase: string;
  /** The simulator whose transcripts the texts are checked against (null: not checked). */
  simUrl: string | null;
  users: Credential[];
  /** Global index of the first user (spreads users over gateways when clients connect to them directly). */
  firstIndex: number;
  rampPerSecond: number;
  chats: number;
  thinkMs: number;
  chatTimeoutMs: number;
  connectTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  /** chat scenarios: chat until this wall-clock time (ms) instead of `chats` chats. */
  until?: number;
  /** connect / idle: how many of `users` connect first, before the parent measures the baseline. */
  warmup: number;
  /** storm: a user is ready for the drop once this many tokens of its answer arrived. */
  armTokens: number;
  rest: RestPlan | null;
  voice: VoicePlan | null;
};

/** Gauges a client process reports on each tick (the parent sums them over processes). */
export type Gauges = { open: number; settled: number; armed: number };

/** Client process → parent. `tick` carries what was recorded since the last tick; `done` the rest and the process's CPU. */
export type ShardUp =
  | { kind: 'tick'; shard: number; histograms: EncodedRecorders; counters: Counters; gauges: Gauges }
  | { kind: 'done'; shard: number; histograms: EncodedRecorders; counters: Counters; gauges: Gauges; cpuSeconds: number }
  | { kind: 'failed'; shard: number; message: string };

/**
 * Parent → client process: `continue` (connect/idle: open the rest after the warm-up), `drop`
 * (storm: terminate every socket now), `release` (connect/idle: close every connection and end).
 */
export type ShardDown = { kind: 'start'; spec: ShardSpec } | { kind: 'continue' } | { kind: 'drop' } | { kind: 'release' };
