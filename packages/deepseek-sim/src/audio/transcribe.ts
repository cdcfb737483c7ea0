/**
 * `POST /audio/transcriptions`: the upload is checked like OpenAI checks it (auth, fields, size,
 * magic bytes), then answered with the deterministic transcript, or with the faults it asks for.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { effectivePlan, parseFaults, type FaultPlan } from '../faults';
import { hasBearer } from '../http';
import type { AudioContext } from './context';
import { audioSeconds, detectAudioFormat, invalidFormatMessage, type AudioFormat } from './format';
import { MAX_AUDIO_BYTES, readUploadForm, type UploadForm } from './multipart';
import type { TranscriptionRecord } from './record';
import { sendRefusal, type Refusal } from './refusal';
import { sendTranscription } from './transcribe-respond';
import { audioDirectiveText, simulatedTranscript } from './transcript-text';

/** The simulator answers JSON or plain text; verbose_json, srt, vtt and diarized_json are refused. */
const RESPONSE_FORMATS = ['json', 'text'];

type UploadCheck = { ok: true; audio: Buffer; format: AudioFormat } | { ok: false; refusal: Refusal };

export async function handleTranscription(ctx: AudioContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readUploadForm(req);
  if (form === null) return; // the client went away while uploading
  const record = ctx.transcriptions.add(newRecord(form));
  const check = checkUpload(req, form);
  if (!check.ok) return sendRefusal(ctx.logger, res, record, check.refusal);
  const plan = faultPlanFor(ctx, check.audio);
  if (plan.status !== undefined) return sendRefusal(ctx.logger, res, record, { status: plan.status });
  ctx.logger?.debug({ id: record.id, format: check.format, bytes: record.bytes, plan }, 'deepseek-sim transcription');
  sendTranscription({
    res,
    record,
    text: simulatedTranscript(check.audio),
    seconds: audioSeconds(check.audio, check.format),
    plan,
    deltasPerSecond: plan.tokensPerSecond ?? ctx.settings.transcriptDeltasPerSecond,
    delayMs: plan.firstTokenDelayMs ?? 0,
    isClosing: ctx.isClosing,
  });
}

function newRecord(form: UploadForm): TranscriptionRecord {
  const field = (name: string) => form.fields.get(name) ?? null;
  return {
    id: `transcription-${randomUUID()}`,
    receivedAt: Date.now(),
    model: field('model') ?? '',
    bytes: form.file?.length ?? 0,
    format: form.file ? detectAudioFormat(form.file) : null,
    language: field('language'),
    prompt: field('prompt'),
    stream: field('stream') === 'true',
    responseFormat: field('response_format') ?? 'json',
    status: 200,
    text: '',
    aborted: false,
    completed: false,
  };
}

/** The first reason OpenAI would refuse this upload, in the order it checks them. */
function checkUpload(req: IncomingMessage, form: UploadForm): UploadCheck {
  const refuse = (refusal: Refusal): UploadCheck => ({ ok: false, refusal });
  if (!hasBearer(req)) return refuse({ status: 401 });
  if (form.malformed !== null) return refuse({ status: 400, message: form.malformed });
  if (form.fileTooLarge) {
    return refuse({ status: 413, message: `Maximum content size limit (${MAX_AUDIO_BYTES}) exceeded.`, param: 'file' });
  }
  if (form.file === null) return refuse({ status: 400, message: "Missing required parameter: 'file'.", param: 'file' });
  if ((form.fields.get('model') ?? '') === '') {
    return refuse({ status: 400, message: "Missing required parameter: 'model'.", param: 'model' });
  }
  const format = detectAudioFormat(form.file);
  if (format === null) {
    return refuse({ status: 400, message: invalidFormatMessage(), code: 'invalid_file_format', param: 'file' });
  }
  const responseFormat = form.fields.get('response_format') ?? 'json';
  if (!RESPONSE_FORMATS.includes(responseFormat)) {
    const message = `Unsupported response_format '${responseFormat}': the simulator answers json and text only.`;
    return refuse({ status: 400, message, param: 'response_format' });
  }
  return { ok: true, audio: form.file, format };
}

/** `[[sim:...]]` directives in the audio bytes (outside the forced transcript); `times=N` counts identical uploads. */
function faultPlanFor(ctx: AudioContext, audio: Buffer): FaultPlan {
  const directives = audioDirectiveText(audio);
  const parsed = parseFaults(directives);
  if (parsed.problems.length > 0) ctx.logger?.warn({ problems: parsed.problems }, 'deepseek-sim ignored directive items');
  if (directives === '') return parsed;
  const uploadKey = createHash('sha256').update(audio).digest('hex');
  return effectivePlan(parsed, uploadKey, ctx.transcriptionFaults);
}
