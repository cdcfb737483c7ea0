/**
 * `POST /audio/speech`: validated like OpenAI, then the deterministic tone audio of
 * `simulatedSpeech`, streamed in paced chunks, with the `[[tts:...]]` faults of its input.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { effectivePlan, parseFaults, type FaultPlan } from '../faults';
import { hasBearer, parseJson, readBody } from '../http';
import { Lifecycle } from '../lifecycle';
import { isRecord } from '../wire';
import type { AudioContext } from './context';
import type { SpeechRecord } from './record';
import { sendRefusal } from './refusal';
import { simulatedSpeech, TTS_PREFIX } from './speech-audio';
import { validateSpeechRequest, voiceName, type SpeechRequest } from './speech-request';

const CONTENT_TYPES = { wav: 'audio/wav', pcm: 'audio/pcm' } as const;

export async function handleSpeech(ctx: AudioContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  if (raw === null) return; // the client went away while sending the body
  const parsed = parseJson(raw);
  const record = ctx.speeches.add(newRecord(parsed.ok ? parsed.value : undefined));
  if (!hasBearer(req)) return sendRefusal(ctx.logger, res, record, { status: 401 });
  if (!parsed.ok) {
    return sendRefusal(ctx.logger, res, record, { status: 400, message: `Invalid JSON body: ${parsed.error}` });
  }
  const validation = validateSpeechRequest(parsed.value);
  if (!validation.ok) {
    return sendRefusal(ctx.logger, res, record, { status: 400, message: validation.message, param: validation.param });
  }
  const request = validation.request;
  const plan = faultPlanFor(ctx, request.input);
  if (plan.status !== undefined) return sendRefusal(ctx.logger, res, record, { status: plan.status });
  ctx.logger?.debug({ id: record.id, voice: request.voice, format: request.format, plan }, 'deepseek-sim speech');
  streamSpeech(ctx, res, record, request, plan);
}

/** Whatever the body holds, even when it is invalid, so refused requests are recorded too. */
function newRecord(body: unknown): SpeechRecord {
  const fields = isRecord(body) ? body : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: `speech-${randomUUID()}`,
    receivedAt: Date.now(),
    model: text(fields.model) ?? '',
    voice: voiceName(fields.voice) ?? '',
    format: text(fields.response_format) ?? 'wav',
    input: text(fields.input) ?? '',
    instructions: text(fields.instructions),
    speed: typeof fields.speed === 'number' ? fields.speed : null,
    status: 200,
    bytesSent: 0,
    chunksSent: 0,
    aborted: false,
    completed: false,
  };
}

function faultPlanFor(ctx: AudioContext, input: string): FaultPlan {
  const parsed = parseFaults(input, TTS_PREFIX);
  if (parsed.problems.length > 0) ctx.logger?.warn({ problems: parsed.problems }, 'deepseek-sim ignored directive items');
  return effectivePlan(parsed, input, ctx.speechFaults);
}

/**
 * Chunked audio: the first chunk after the first-audio delay, then one chunk per interval,
 * waiting for `drain` when the client reads slowly. A client that goes away stops synthesis.
 */
function streamSpeech(
  ctx: AudioContext,
  res: ServerResponse,
  record: SpeechRecord,
  request: SpeechRequest,
  plan: FaultPlan,
): void {
  const { speechChunkBytes, speechChunkIntervalMs, firstAudioDelayMs } = ctx.settings;
  const audio = simulatedSpeech(request.input, request.voice, request.format);
  const life = new Lifecycle(res, record, ctx.isClosing);
  const contentType = CONTENT_TYPES[request.format];
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', 'x-request-id': record.id });
  res.flushHeaders();
  if (plan.hang) return; // headers only; the close handler records the abort
  const stopAfter = plan.cutAfter ?? plan.endAfter;
  const next = (): void => {
    if (stopAfter === 0) return stopAudio(res, life, plan, null);
    const chunk = audio.subarray(record.bytesSent, record.bytesSent + speechChunkBytes);
    record.bytesSent += chunk.length;
    record.chunksSent++;
    if (record.chunksSent === stopAfter) return stopAudio(res, life, plan, chunk);
    if (record.bytesSent >= audio.length) return completeAudio(res, life, record, chunk);
    if (res.write(chunk)) return life.later(speechChunkIntervalMs, next);
    res.once('drain', () => life.later(speechChunkIntervalMs, next));
  };
  life.later(plan.firstTokenDelayMs ?? firstAudioDelayMs, next);
}

/** `cut`: destroy the socket once `last` is out; `end`: end cleanly, the audio short. */
function stopAudio(res: ServerResponse, life: Lifecycle, plan: FaultPlan, last: Buffer | null): void {
  life.finish();
  if (plan.cutAfter === undefined) return void (last ? res.end(last) : res.end());
  if (last === null) return void res.destroy();
  res.write(last, () => res.destroy());
}

function completeAudio(res: ServerResponse, life: Lifecycle, record: SpeechRecord, last: Buffer): void {
  life.finish();
  record.completed = true;
  res.end(last);
}
