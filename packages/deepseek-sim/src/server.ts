/**
 * An OpenAI-compatible HTTP server imitating DeepSeek's chat completions API, for tests,
 * demos and load benchmarks. Only node:http: one timer chain per stream, so a single
 * process can hold thousands of concurrent streams.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_ANSWER_TOKENS, simulatedAnswer } from './answer';
import { createAudioContext, type AudioContext, type AudioOptions } from './audio/context';
import type { SpeechRecord, TranscriptionRecord } from './audio/record';
import { routeAudio } from './audio/routes';
import { effectivePlan, FaultCounter, parseFaults, type FaultPlan } from './faults';
import { hasBearer, parseJson, readBody, sendJson } from './http';
import type { SimulatorLogger } from './logger';
import { jsonCompletion, streamCompletion, type Pace } from './respond';
import type { BoundedStore } from './bounded-store';
import { lastUserMessageContains, newTranscriptStore, type Transcript } from './transcripts';
import { errorBody, estimatePromptTokens, validateRequest, type CompletionRequest } from './wire';

export type { SimulatorLogger } from './logger';

/** Chat options here; the audio routes' options (pace of deltas and audio chunks) in AudioOptions. */
export interface SimulatorOptions extends AudioOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Default 30. */
  tokensPerSecond?: number;
  /** Default 300. */
  firstTokenDelayMs?: number;
  /** Content tokens per answer; default 120. */
  answerTokens?: number;
  logger?: SimulatorLogger;
}

export interface DeepSeekSimulator {
  /** Base URL such as http://127.0.0.1:PORT, to pass as the openai SDK's baseURL. */
  url: string;
  port: number;
  /** Snapshot of the recorded requests, oldest first (at most the last 5,000). */
  transcripts(): Transcript[];
  clearTranscripts(): void;
  /** Recorded `POST /audio/transcriptions` requests, oldest first (at most the last 5,000). */
  transcriptions(): TranscriptionRecord[];
  clearTranscriptions(): void;
  /** Recorded `POST /audio/speech` requests, oldest first (at most the last 5,000). */
  speeches(): SpeechRecord[];
  clearSpeeches(): void;
  /** Ends open streams and the server; safe to call more than once. */
  close(): Promise<void>;
}

interface Settings {
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  answerTokens: number;
}

interface Context {
  settings: Settings;
  logger: SimulatorLogger | undefined;
  store: BoundedStore<Transcript>;
  counter: FaultCounter;
  audio: AudioContext;
  closing: boolean;
}

export async function startDeepSeekSimulator(options: SimulatorOptions = {}): Promise<DeepSeekSimulator> {
  const ctx: Context = {
    settings: settingsFrom(options),
    logger: options.logger,
    store: newTranscriptStore(),
    counter: new FaultCounter(),
    audio: createAudioContext(options, options.logger, () => ctx.closing),
    closing: false,
  };
  const server = createServer({ keepAliveTimeout: 5_000, noDelay: true }, (req, res) => route(ctx, req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, host, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    transcripts: () => ctx.store.list(),
    clearTranscripts: () => ctx.store.clear(),
    transcriptions: () => ctx.audio.transcriptions.list(),
    clearTranscriptions: () => ctx.audio.transcriptions.clear(),
    speeches: () => ctx.audio.speeches.list(),
    clearSpeeches: () => ctx.audio.speeches.clear(),
    close: () => (closed ??= shutdown(server, sockets, ctx)),
  };
}

function settingsFrom(options: SimulatorOptions): Settings {
  const settings = {
    tokensPerSecond: options.tokensPerSecond ?? 30,
    firstTokenDelayMs: options.firstTokenDelayMs ?? 300,
    answerTokens: options.answerTokens ?? DEFAULT_ANSWER_TOKENS,
  };
  if (!(settings.tokensPerSecond > 0)) throw new RangeError('tokensPerSecond must be > 0');
  if (!(settings.firstTokenDelayMs >= 0)) throw new RangeError('firstTokenDelayMs must be >= 0');
  if (!(settings.answerTokens >= 0)) throw new RangeError('answerTokens must be >= 0');
  return settings;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A large backlog so a load test opening 1,000 connections at once is not refused.
    server.listen({ host, port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Destroying sockets ends open (or hanging) streams at once instead of waiting for them. */
function shutdown(server: Server, sockets: Set<Socket>, ctx: Context): Promise<void> {
  ctx.closing = true;
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

function route(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const path = url.pathname.replace(/\/+$/, '');
  const key = `${req.method} ${path}`;
  if (routeAudio(ctx.audio, key, req, res)) return;
  if (key === 'POST /chat/completions' || key === 'POST /v1/chat/completions') {
    handleCompletion(ctx, req, res).catch((err: unknown) => {
      ctx.logger?.error({ err, path }, 'deepseek-sim completion handler failed');
      if (!res.headersSent) sendJson(res, 500, errorBody(500, 'Simulator internal error.'));
      else res.destroy();
    });
  } else if (key === 'GET /_sim/health') {
    sendJson(res, 200, { ok: true });
  } else if (key === 'GET /_sim/transcripts') {
    sendJson(res, 200, ctx.store.list(lastUserMessageContains(url.searchParams.get('contains') ?? undefined)));
  } else if (key === 'DELETE /_sim/transcripts') {
    ctx.store.clear();
    sendJson(res, 200, { ok: true });
  } else if (key === 'GET /models' || key === 'GET /v1/models') {
    sendJson(res, 200, { object: 'list', data: ['deepseek-chat', 'deepseek-reasoner'].map(modelEntry) });
  } else {
    sendJson(res, 404, errorBody(404, `Unknown route: ${req.method} ${url.pathname}`));
  }
}

function modelEntry(id: string) {
  return { id, object: 'model', owned_by: 'deepseek' };
}

async function handleCompletion(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  if (raw === null) return; // the client went away while sending the body
  const parsed = parseJson(raw);
  const validation = parsed.ok ? validateRequest(parsed.value) : undefined;
  const request = validation?.ok ? validation.request : undefined;
  const transcript = ctx.store.add(newTranscript(request));
  if (!hasBearer(req)) return sendError(ctx, res, transcript, 401);
  if (!parsed.ok) return sendError(ctx, res, transcript, 400, `Invalid JSON body: ${parsed.error}`);
  if (validation?.ok !== true || request === undefined) {
    return sendError(ctx, res, transcript, 400, validation?.ok === false ? validation.message : undefined);
  }
  const parsedPlan = parseFaults(request.lastUserMessage);
  if (parsedPlan.problems.length > 0) ctx.logger?.warn({ problems: parsedPlan.problems }, 'deepseek-sim ignored directive items');
  const plan = effectivePlan(parsedPlan, request.lastUserMessage, ctx.counter);
  if (plan.status !== undefined) return sendError(ctx, res, transcript, plan.status);
  startCompletion(ctx, req, res, request, plan, transcript);
}

function startCompletion(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  request: CompletionRequest,
  plan: FaultPlan,
  transcript: Transcript,
): void {
  const { answerTokens, ...pace } = resolvePace(ctx.settings, req, plan);
  const answer = simulatedAnswer(request.lastUserMessage, { thinking: request.thinking, answerTokens, headings: requestedHeadings(request.messages), echo: plan.echo });
  const limit = request.maxTokens;
  const truncated = limit !== null && limit < answer.content.length;
  const job = {
    res,
    transcript,
    base: { id: transcript.id, created: Math.floor(transcript.receivedAt / 1000), model: request.model },
    reasoning: answer.reasoning,
    content: truncated ? answer.content.slice(0, limit) : answer.content,
    finishReason: plan.finishReason ?? (truncated ? ('length' as const) : ('stop' as const)),
    includeUsage: request.includeUsage,
    promptTokens: estimatePromptTokens(request.messages),
    pace,
    plan,
    isClosing: () => ctx.closing,
  };
  ctx.logger?.debug({ id: transcript.id, model: request.model, stream: request.stream, pace, plan }, 'deepseek-sim completion');
  if (request.stream) streamCompletion(job);
  else jsonCompletion(job);
}

/** Directive beats header beats server option, so one message can override a load test's pace. */
function resolvePace(settings: Settings, req: IncomingMessage, plan: FaultPlan): Pace & { answerTokens: number } {
  return {
    tokensPerSecond:
      plan.tokensPerSecond ?? headerNumber(req, 'x-sim-tokens-per-second', (v) => v > 0) ?? settings.tokensPerSecond,
    firstTokenDelayMs:
      plan.firstTokenDelayMs ??
      headerNumber(req, 'x-sim-first-token-delay-ms', (v) => v >= 0) ??
      settings.firstTokenDelayMs,
    answerTokens:
      plan.answerTokens ??
      headerNumber(req, 'x-sim-answer-tokens', (v) => v >= 0 && Number.isInteger(v)) ??
      settings.answerTokens,
    keepaliveMs: plan.keepaliveMs ?? 0,
  };
}

function headerNumber(req: IncomingMessage, name: string, valid: (v: number) => boolean): number | undefined {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && valid(value) ? value : undefined;
}

function newTranscript(request: CompletionRequest | undefined): Transcript {
  return {
    id: `chatcmpl-${randomUUID()}`,
    receivedAt: Date.now(),
    model: request?.model ?? '',
    thinking: request?.thinking ?? false,
    messages: request?.messages ?? [],
    lastUserMessage: request?.lastUserMessage ?? '',
    status: 200,
    content: '',
    reasoning: '',
    tokens: [],
    finishReason: null,
    aborted: false,
    completed: false,
  };
}

function sendError(ctx: Context, res: ServerResponse, transcript: Transcript, status: number, message?: string): void {
  transcript.status = status;
  transcript.completed = true;
  ctx.logger?.debug({ id: transcript.id, status }, 'deepseek-sim error response');
  // Clients back off on 429; a short hint keeps retrying tests fast.
  sendJson(res, status, errorBody(status, message), status === 429 ? { 'retry-after': '1' } : {});
}

/** `### …` lines in the request's system messages: the structure the caller asked the model for. */
export function requestedHeadings(messages: unknown[]): string[] {
  const headings: string[] = [];
  for (const m of messages) {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (role !== 'system' || typeof content !== 'string') continue;
    for (const match of content.matchAll(/^###\s+(.+)$/gm)) headings.push((match[1] ?? '').trim());
  }
  return headings.filter(Boolean);
}
