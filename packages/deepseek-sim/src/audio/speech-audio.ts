/**
 * The simulator's "voice": one short sine burst per character, so the audio is real, playable
 * and exactly predictable (`simulatedSpeech`), and its length grows with the text like speech.
 */
import { stripDirectives } from '../faults';
import { encodeWav } from './wav';

/** OpenAI's `pcm` format: 24 kHz, mono, signed 16-bit little-endian. */
export const SPEECH_SAMPLE_RATE = 24_000;
export const SPEECH_FORMATS = ['wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];
/** Prefix of the fault directives in a speech request's input: `[[tts:...]]`. */
export const TTS_PREFIX = 'tts';

const TONE_SAMPLES = (SPEECH_SAMPLE_RATE * 40) / 1000;
const GAP_SAMPLES = (SPEECH_SAMPLE_RATE * 5) / 1000;
/** What an input with nothing to say sounds like: still valid, non-empty audio. */
const EMPTY_SAMPLES = (SPEECH_SAMPLE_RATE * 200) / 1000;
/** Fade in and out over 2 ms so bursts do not click. */
const RAMP_SAMPLES = (SPEECH_SAMPLE_RATE * 2) / 1000;
const AMPLITUDE = 8_000;

/** A base pitch per voice (180–320 Hz), so two voices are told apart by ear and by bytes. */
function voiceBaseHz(voice: string): number {
  let sum = 0;
  for (const ch of voice) sum = (sum * 31 + (ch.codePointAt(0) ?? 0)) % 1_000_003;
  return 180 + (sum % 8) * 20;
}

/** One burst per pitch, computed once: there are at most 8 × 24 pitches, and sine is the slow part. */
const toneBursts = new Map<number, Buffer>();

function toneBurst(hz: number): Buffer {
  let burst = toneBursts.get(hz);
  if (burst === undefined) {
    burst = Buffer.alloc(TONE_SAMPLES * 2);
    for (let n = 0; n < TONE_SAMPLES; n++) {
      const envelope = Math.min(1, n / RAMP_SAMPLES, (TONE_SAMPLES - n) / RAMP_SAMPLES);
      const value = Math.round(AMPLITUDE * envelope * Math.sin((2 * Math.PI * hz * n) / SPEECH_SAMPLE_RATE));
      burst.writeInt16LE(value, n * 2);
    }
    toneBursts.set(hz, burst);
  }
  return burst;
}

/** Raw 24 kHz mono PCM16 for `text` (markers already removed): whitespace is a pause. */
export function speechPcm(text: string, voice: string): Buffer {
  const chars = Array.from(text);
  if (chars.length === 0) return Buffer.alloc(EMPTY_SAMPLES * 2);
  const slot = TONE_SAMPLES + GAP_SAMPLES;
  const pcm = Buffer.alloc(chars.length * slot * 2);
  const base = voiceBaseHz(voice);
  chars.forEach((ch, index) => {
    if (/\s/u.test(ch)) return;
    toneBurst(base + ((ch.codePointAt(0) ?? 0) % 24) * 25).copy(pcm, index * slot * 2);
  });
  return pcm;
}

/**
 * Exactly the bytes the speech route sends for this request: `[[tts:...]]` markers removed,
 * one 40 ms tone plus 5 ms of silence per character, 24 kHz mono PCM16; `wav` adds the
 * 44-byte RIFF header. Empty speakable text gives 200 ms of silence.
 */
export function simulatedSpeech(input: string, voice: string, format: SpeechFormat): Buffer {
  const pcm = speechPcm(stripDirectives(input, TTS_PREFIX), voice);
  return format === 'wav' ? encodeWav(pcm, SPEECH_SAMPLE_RATE) : pcm;
}
