import { Counter, Gauge, Histogram, latencyBuckets, type Registry } from '@aurawell/platform';
import { type BusFrame } from '@aurawell/generation';
import { isTerminalStatus, ServerFrame } from '@aurawell/protocol';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export const createGatewayMetrics = (registry: Registry) => ({
  voiceUtterances: new Counter({
    name: 'aurawell_voice_utterances_total',
    help: 'Spoken questions, by outcome (started, asked, refused, failed, cancelled)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  asrAudioBytes: new Counter({ name: 'aurawell_asr_audio_bytes_total', help: 'Bytes of speech received in utterances', registers: [registry] }),
  asrDuration: new Histogram({
    name: 'aurawell_asr_duration_seconds',
    help: 'From the end of an utterance (voice_end) to its final transcript',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  asrErrors: new Counter({
    name: 'aurawell_asr_errors_total',
    help: 'Utterances that ended in an error, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  connections: new Gauge({ name: 'aurawell_ws_connections', help: 'Open WebSocket connections', registers: [registry] }),
  connects: new Counter({ name: 'aurawell_ws_connects_total', help: 'Accepted WebSocket connections', registers: [registry] }),
  disconnects: new Counter({
    name: 'aurawell_ws_disconnects_total',
    help: 'Closed WebSocket connections, by close code',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  framesIn: new Counter({
    name: 'aurawell_ws_frames_in_total',
    help: 'Client frames received, by type (invalid when unparseable)',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  framesOut: new Counter({ name: 'aurawell_ws_bus_frames_total', help: 'Generation frames received from the bus', registers: [registry] }),
  rejected: new Counter({
    name: 'aurawell_ws_rejected_frames_total',
    help: 'Client frames answered with an error, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  timeToSending: new Histogram({
    name: 'aurawell_chat_time_to_sending_seconds',
    help: 'From receiving a chat frame to publishing its sending status',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  slowClientMerges: new Counter({
    name: 'aurawell_ws_slow_client_merges_total',
    help: 'Stream frames merged into a pending frame because the client reads too slowly',
    registers: [registry],
  }),
  slowClientCloses: new Counter({
    name: 'aurawell_ws_slow_client_closes_total',
    help: 'Connections closed with 1013 because their unsent bytes passed the hard cap',
    registers: [registry],
  }),
  rateLimitFailOpen: new Counter({
    name: 'aurawell_ws_rate_limit_fail_open_total',
    help: 'Client frames let through unchecked because the rate limiter could not reach Redis',
    registers: [registry],
  }),
  drainRemaining: new Gauge({
    name: 'aurawell_ws_drain_remaining',
    help: 'Connections still to be closed by a running drain (0 when not draining)',
    registers: [registry],
  }),
  generationsStarted: new Counter({
    name: 'aurawell_generations_started_total',
    help: 'Generations accepted and enqueued',
    registers: [registry],
  }),
  framesOutByType: new Counter({
    name: 'aurawell_ws_frames_out_total',
    help: 'Frames handed to a client connection, by frame type (before any slow-client merge)',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  generationsFinished: new Counter({
    name: 'aurawell_generations_finished_total',
    help: 'Generations accepted by this gateway that ended, by terminal status seen on the bus',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  timeToFirstToken: new Histogram({
    name: 'aurawell_chat_time_to_first_token_seconds',
    help: 'From receiving a chat frame to the first token of its answer on the bus',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  timeToDone: new Histogram({
    name: 'aurawell_chat_time_to_done_seconds',
    help: 'From receiving a chat frame to its done status on the bus',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  interTokenGap: new Histogram({
    name: 'aurawell_ws_inter_token_gap_seconds',
    help: 'Time between consecutive token frames of a generation on the bus',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  resumeRequests: new Counter({
    name: 'aurawell_ws_resume_requests_total',
    help: 'Resume frames handled',
    registers: [registry],
  }),
  replayedFrames: new Counter({
    name: 'aurawell_ws_replayed_frames_total',
    help: 'Stored generation frames replayed to clients by resume',
    registers: [registry],
  }),
  remindersDelivered: new Counter({
    name: 'aurawell_reminders_delivered_total',
    help: 'Reminder frames sent to a device, live (when due) or on connect (missed or not yet seen)',
    labelNames: ['when'] as const,
    registers: [registry],
  }),
});

/** The frame types of the protocol; anything else is counted as `other` (a fixed label set). */
const FRAME_TYPES = new Set<string>(ServerFrame.options.map((o) => o.shape.type.value));
const TOKEN_TYPES = new Set(['chat_stream', 'reasoning_stream']);

export const frameTypeLabel = (type: unknown): string => (typeof type === 'string' && FRAME_TYPES.has(type) ? type : 'other');

/**
 * Times the generations this gateway accepted, as their frames pass on the bus: first token,
 * gaps between tokens, done, and the terminal status. The accept times are kept per message,
 * at most `maxTracked` of them and none older than `maxAgeMs` (a generation whose client left
 * this gateway is forgotten when it ages out), and dropped at the terminal frame.
 */
export class GenerationTimings {
  private readonly tracked = new Map<string, { acceptedAt: number; lastTokenAt: number | null }>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly opts: { maxTracked: number; maxAgeMs: number },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A chat accepted at `acceptedAt` (a `performance.now()` time) became generation `messageId`. */
  accepted(messageId: string, acceptedAt: number): void {
    const oldest = this.now() - this.opts.maxAgeMs;
    for (const [id, t] of this.tracked) {
      if (t.acceptedAt >= oldest && this.tracked.size < this.opts.maxTracked) break;
      this.tracked.delete(id);
    }
    this.tracked.set(messageId, { acceptedAt, lastTokenAt: null });
  }

  /** A generation frame from the bus (once per gateway, not per connection). */
  observe(frame: BusFrame): void {
    const t = this.tracked.get(frame.messageId);
    if (!t) return;
    const now = this.now();
    if (frame.type !== undefined && TOKEN_TYPES.has(frame.type)) {
      if (t.lastTokenAt === null) this.metrics.timeToFirstToken.observe((now - t.acceptedAt) / 1000);
      else this.metrics.interTokenGap.observe((now - t.lastTokenAt) / 1000);
      t.lastTokenAt = now;
      return;
    }
    if (!frame.terminal) return;
    this.tracked.delete(frame.messageId);
    const status = isTerminalStatus(frame.status) ? frame.status : 'other';
    this.metrics.generationsFinished.inc({ status });
    if (status === 'done') this.metrics.timeToDone.observe((now - t.acceptedAt) / 1000);
  }

  get size(): number {
    return this.tracked.size;
  }
}
