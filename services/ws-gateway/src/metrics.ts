import { Counter, Gauge, Histogram, latencyBuckets, type Registry } from '@aurawell/platform';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export const createGatewayMetrics = (registry: Registry) => ({
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
});
