/**
 * Which container an upload is, by its magic bytes only (the file name and MIME type the client
 * sends prove nothing), so a client that uploads something undecodable gets OpenAI's 400.
 */
import { isWav, parseWav, wavSeconds } from './wav';

/** The upload formats the simulator accepts (alphabetical, as in the error message). */
export const AUDIO_FORMATS = ['flac', 'mp3', 'ogg', 'wav', 'webm'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

function startsWith(audio: Buffer, ascii: string): boolean {
  return audio.length >= ascii.length && audio.toString('latin1', 0, ascii.length) === ascii;
}

/** An MPEG audio frame header: 11 sync bits set, then a valid version/layer. */
function isMp3Frame(audio: Buffer): boolean {
  const second = audio[1] ?? 0;
  const layerBits = (second >> 1) & 0b11;
  return audio[0] === 0xff && (second & 0xe0) === 0xe0 && layerBits !== 0;
}

export function detectAudioFormat(audio: Buffer): AudioFormat | null {
  if (isWav(audio)) return 'wav';
  if (startsWith(audio, 'OggS')) return 'ogg';
  if (audio.length >= 4 && audio.subarray(0, 4).equals(EBML_MAGIC)) return 'webm';
  if (startsWith(audio, 'fLaC')) return 'flac';
  if (startsWith(audio, 'ID3') || isMp3Frame(audio)) return 'mp3';
  return null;
}

/** OpenAI's wording, so client code matching on it works against the simulator too. */
export function invalidFormatMessage(): string {
  return `Invalid file format. Supported formats: [${AUDIO_FORMATS.map((f) => `'${f}'`).join(', ')}]`;
}

/** Compressed uploads are not decoded: their length is estimated at 32 kbit/s (voice Opus). */
const COMPRESSED_BYTES_PER_SECOND = 4_000;

/** Whole seconds of audio, as OpenAI bills `usage: {type: "duration"}`: exact for WAV, estimated otherwise. */
export function audioSeconds(audio: Buffer, format: AudioFormat): number {
  const wav = format === 'wav' ? parseWav(audio) : null;
  const seconds = wav ? wavSeconds(wav) : audio.length / COMPRESSED_BYTES_PER_SECOND;
  return Math.ceil(seconds);
}
