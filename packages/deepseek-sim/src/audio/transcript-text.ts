/**
 * What the simulator "hears" in an upload: deterministic, so a test can compute it with
 * `simulatedTranscript` from the same bytes. Nothing is decoded; see the README for the rules.
 */
import { createHash } from 'node:crypto';
import { isPcm16, isQuietPcm16, parseWav } from './wav';

/** The transcript of any audio that forces none and is not silence, chosen by the audio's hash. */
export const SIMULATED_QUESTIONS = [
  '我最近睡眠不好，怎么办？',
  '每天应该走多少步？',
  '一天喝多少水比较合适？',
  '晚饭后多久可以运动？',
  '久坐腰疼应该怎么缓解？',
  '血压有点高，饮食要注意什么？',
  '跑步前需要热身多久？',
  '午睡多长时间最好？',
  '经常头疼需要去医院吗？',
  '怎样才能不熬夜？',
  '早餐吃什么比较健康？',
  '运动后肌肉酸痛怎么办？',
] as const;

/** PCM16 uploads whose every sample stays below this magnitude (of 32767) are silence. */
export const SILENCE_PEAK = 300;

const FORCED_OPEN = Buffer.from('[[asr-text:', 'latin1');
const OPEN = Buffer.from('[[', 'latin1');
const CLOSE = Buffer.from(']]', 'latin1');

/** Byte range of a `[[asr-text:...]]` marker and of its text. */
interface MarkerSpan {
  start: number;
  textStart: number;
  textEnd: number;
  end: number;
}

/**
 * Finds the first `[[asr-text:...]]`. Brackets nest, so the forced text may itself carry
 * `[[sim:echo]]` or `[[tts:...]]` markers meant for the chat and speech routes downstream.
 */
export function forcedTranscriptSpan(audio: Buffer): MarkerSpan | null {
  const start = audio.indexOf(FORCED_OPEN);
  if (start === -1) return null;
  const textStart = start + FORCED_OPEN.length;
  let depth = 1;
  for (let at = textStart; ; ) {
    const close = audio.indexOf(CLOSE, at);
    if (close === -1) return null;
    const open = audio.indexOf(OPEN, at);
    if (open !== -1 && open < close) {
      depth++;
      at = open + OPEN.length;
      continue;
    }
    if (--depth === 0) return { start, textStart, textEnd: close, end: close + CLOSE.length };
    at = close + CLOSE.length;
  }
}

/**
 * The audio as latin1 text without the forced-transcript marker: where the transcription
 * route looks for its own `[[sim:...]]` directives (those inside the forced text belong to it).
 */
export function audioDirectiveText(audio: Buffer): string {
  const span = forcedTranscriptSpan(audio);
  const rest = span ? Buffer.concat([audio.subarray(0, span.start), audio.subarray(span.end)]) : audio;
  // Most uploads carry no directive: skip turning megabytes of samples into a string.
  return rest.includes('[[sim:') ? rest.toString('latin1') : '';
}

/** The forced text if any, "" for silent PCM16 WAV, else one of SIMULATED_QUESTIONS by sha256. */
export function simulatedTranscript(audio: Buffer): string {
  const span = forcedTranscriptSpan(audio);
  if (span) return audio.toString('utf8', span.textStart, span.textEnd);
  const wav = parseWav(audio);
  if (wav && isPcm16(wav) && isQuietPcm16(wav.data, SILENCE_PEAK)) return '';
  const digest = createHash('sha256').update(audio).digest();
  return SIMULATED_QUESTIONS[digest.readUInt32BE(0) % SIMULATED_QUESTIONS.length] ?? '';
}

/** The streamed pieces of a transcript: 1–3 code points each, sizes fixed by the text's hash. */
export function transcriptDeltas(text: string): string[] {
  const points = Array.from(text);
  const digest = createHash('sha256').update(text).digest();
  const deltas: string[] = [];
  for (let at = 0, i = 0; at < points.length; i++) {
    const size = 1 + ((digest[i % digest.length] ?? 0) % 3);
    deltas.push(points.slice(at, at + size).join(''));
    at += size;
  }
  return deltas;
}
