import { randomBytes } from 'node:crypto';
import { SIMULATED_QUESTIONS, simulatedTranscript, wavWithTranscript } from '@aurawell/deepseek-sim';

/** 16 kHz mono PCM16 (what `wavWithTranscript` records): bytes per millisecond of audio. */
const BYTES_PER_MS = 32;

/** A recorded spoken question: the WAV file, and the transcript the simulator hears in it. */
export type Recording = { wav: Buffer; text: string };

/**
 * User `index`'s utterance #`i`: one of the simulator's questions (in turn), made unique (user,
 * utterance, random) so its answer is found among the simulator's transcripts, as `durationMs` of
 * 16 kHz PCM16 WAV. The
 * expected transcript is the simulator's own reading of those bytes (`simulatedTranscript`),
 * trimmed as the gateway asks it.
 */
export const recordingFor = (index: number, i: number, durationMs: number): Recording => {
  const question = SIMULATED_QUESTIONS[(index + i) % SIMULATED_QUESTIONS.length];
  // Short, as spoken questions are: the simulator streams a transcript at 50 pieces a second.
  const wav = wavWithTranscript(`${question} ${index}.${i}.${randomBytes(3).toString('hex')}`, { durationMs });
  return { wav, text: simulatedTranscript(wav).trim() };
};

/** The file cut into binary frames of `frameMs` of audio each (the header rides in the first, as a recorder's first chunk carries it). */
export const audioFrames = (wav: Buffer, frameMs: number): Buffer[] => {
  const size = Math.max(64, Math.round(frameMs * BYTES_PER_MS));
  const frames: Buffer[] = [];
  for (let at = 0; at < wav.length; at += size) frames.push(wav.subarray(at, at + size));
  return frames;
};

/**
 * When frame `i` goes out, in ms after `voice_start`: a microphone hands over each chunk once it
 * is recorded, at `pace` × real time; 0 sends everything at once.
 */
export const frameDueMs = (i: number, frameMs: number, pace: number): number => (pace > 0 ? ((i + 1) * frameMs) / pace : 0);
