/** Validating `POST /audio/speech` bodies as OpenAI does, for the fields the simulator uses. */
import { isRecord } from '../wire';
import { SPEECH_FORMATS, type SpeechFormat } from './speech-audio';

/** OpenAI's limit on `input`, in characters. */
export const MAX_SPEECH_INPUT_CHARS = 4096;
/** Real OpenAI formats the simulator does not encode: refused with a message saying so. */
const UNSIMULATED_FORMATS = ['mp3', 'opus', 'aac', 'flac'];

export interface SpeechRequest {
  model: string;
  input: string;
  /** A built-in voice name, or the id of a custom voice object `{ id }`. */
  voice: string;
  format: SpeechFormat;
  speed: number | null;
  instructions: string | null;
}

export type SpeechValidation = { ok: true; request: SpeechRequest } | { ok: false; message: string; param: string };

/** The voice as a string: a name, or `{ id }` for a custom voice; null when neither. */
export function voiceName(voice: unknown): string | null {
  if (typeof voice === 'string' && voice !== '') return voice;
  if (isRecord(voice) && typeof voice.id === 'string' && voice.id !== '') return voice.id;
  return null;
}

function invalid(param: string, message: string): SpeechValidation {
  return { ok: false, message, param };
}

export function validateSpeechRequest(body: unknown): SpeechValidation {
  if (!isRecord(body)) return invalid('body', 'Request body must be a JSON object.');
  const { model, input } = body;
  if (typeof model !== 'string' || model === '') return invalid('model', "Missing required parameter: 'model'.");
  if (typeof input !== 'string' || input === '') return invalid('input', "Missing required parameter: 'input'.");
  if (Array.from(input).length > MAX_SPEECH_INPUT_CHARS) {
    return invalid('input', `'input' is too long: at most ${MAX_SPEECH_INPUT_CHARS} characters.`);
  }
  const voice = voiceName(body.voice);
  if (voice === null) return invalid('voice', "Missing required parameter: 'voice'.");
  const format = speechFormatOf(body.response_format);
  if (!format.ok) return invalid('response_format', format.message);
  const optional = optionalFieldsProblem(body);
  if (optional !== null) return optional;
  const speed = typeof body.speed === 'number' ? body.speed : null;
  const instructions = typeof body.instructions === 'string' ? body.instructions : null;
  return { ok: true, request: { model, input, voice, format: format.format, speed, instructions } };
}

/** The requested format, wav by default; mp3, opus, aac and flac are real but not simulated. */
function speechFormatOf(value: unknown): { ok: true; format: SpeechFormat } | { ok: false; message: string } {
  if (value === undefined) return { ok: true, format: 'wav' };
  if (typeof value === 'string' && (SPEECH_FORMATS as readonly string[]).includes(value)) {
    return { ok: true, format: value as SpeechFormat };
  }
  if (typeof value === 'string' && UNSIMULATED_FORMATS.includes(value)) {
    return { ok: false, message: `response_format '${value}': the simulator speaks wav and pcm only.` };
  }
  return { ok: false, message: `Invalid value for 'response_format': ${JSON.stringify(value)}.` };
}

function optionalFieldsProblem(body: Record<string, unknown>): SpeechValidation | null {
  const { speed, instructions, stream_format: streamFormat } = body;
  if (speed !== undefined && (typeof speed !== 'number' || !(speed >= 0.25 && speed <= 4))) {
    return invalid('speed', "'speed' must be a number from 0.25 to 4.0.");
  }
  if (instructions !== undefined && typeof instructions !== 'string') {
    return invalid('instructions', "'instructions' must be a string.");
  }
  if (streamFormat === 'sse') return invalid('stream_format', "stream_format 'sse' is not simulated; use 'audio'.");
  if (streamFormat !== undefined && streamFormat !== 'audio') {
    return invalid('stream_format', `Invalid value for 'stream_format': ${JSON.stringify(streamFormat)}.`);
  }
  return null;
}
