/**
 * Uploads for tests of code that transcribes through the simulator: small valid WAV files
 * whose transcript (and transcription faults) the test chooses.
 */
import { encodeWav, wavCommentChunk } from './wav';

const SAMPLE_RATE = 16_000;

export interface MarkedWavOptions {
  /** Fault directive items for the transcription itself, e.g. `status=503,times=1`. */
  faults?: string;
  /** Length of the (silent) samples; default 200 ms. */
  durationMs?: number;
}

/**
 * A WAV file the simulator transcribes as exactly `text`: the marker `[[asr-text:TEXT]]` sits
 * in a LIST/INFO comment chunk, so the file stays playable. `text` may carry `[[sim:...]]` or
 * `[[tts:...]]` markers for the chat and speech routes downstream; `faults` go outside it.
 */
export function wavWithTranscript(text: string, options: MarkedWavOptions = {}): Buffer {
  const samples = Math.round((SAMPLE_RATE * (options.durationMs ?? 200)) / 1000);
  const directives = options.faults === undefined ? '' : `[[sim:${options.faults}]]`;
  return encodeWav(Buffer.alloc(samples * 2), SAMPLE_RATE, [wavCommentChunk(`[[asr-text:${text}]]${directives}`)]);
}

/** A WAV file of silence (all samples zero): transcribed as "". */
export function silentWav(durationMs = 500): Buffer {
  return encodeWav(Buffer.alloc(Math.round((SAMPLE_RATE * durationMs) / 1000) * 2), SAMPLE_RATE);
}
