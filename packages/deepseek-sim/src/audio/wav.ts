/**
 * Minimal RIFF/WAVE for mono PCM16: enough to write the simulator's speech and to read the
 * uploads it checks for silence. Not a general audio library: nothing here decodes codecs.
 */

/** Bytes before the samples in the canonical file `encodeWav` writes without extra chunks. */
export const WAV_HEADER_BYTES = 44;

const PCM_FORMAT = 1;
/** WAVE_FORMAT_EXTENSIBLE: PCM too when its sub-format says so; we treat it as PCM. */
const EXTENSIBLE_FORMAT = 0xfffe;

/** What `parseWav` finds in an upload. */
export interface WavInfo {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** The `data` chunk's samples (cut to what the file really holds). */
  data: Buffer;
}

/** One RIFF chunk: id, little-endian size, body, a pad byte when the body length is odd. */
export function riffChunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 4, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
}

function formatChunk(sampleRate: number): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(PCM_FORMAT, 0);
  body.writeUInt16LE(1, 2); // mono
  body.writeUInt32LE(sampleRate, 4);
  body.writeUInt32LE(sampleRate * 2, 8); // byte rate
  body.writeUInt16LE(2, 12); // block align
  body.writeUInt16LE(16, 14); // bits per sample
  return riffChunk('fmt ', body);
}

/**
 * A mono PCM16 WAV file. `extraChunks` (e.g. a LIST/INFO comment) go between `fmt ` and `data`;
 * without them the header is the canonical 44 bytes.
 */
export function encodeWav(pcm: Buffer, sampleRate: number, extraChunks: Buffer[] = []): Buffer {
  const chunks = [formatChunk(sampleRate), ...extraChunks, riffChunk('data', pcm)];
  const riffSize = 4 + chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(riffSize, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, ...chunks]);
}

/** A LIST/INFO chunk with one ICMT (comment) entry: where tests hide transcript markers. */
export function wavCommentChunk(comment: string): Buffer {
  const text = Buffer.concat([Buffer.from(comment, 'utf8'), Buffer.alloc(1)]);
  return riffChunk('LIST', Buffer.concat([Buffer.from('INFO', 'latin1'), riffChunk('ICMT', text)]));
}

export function isWav(audio: Buffer): boolean {
  return audio.length >= 12 && audio.toString('latin1', 0, 4) === 'RIFF' && audio.toString('latin1', 8, 12) === 'WAVE';
}

/** Walks the chunks of a WAV file; null when it is not one or lacks `fmt ` or `data`. */
export function parseWav(audio: Buffer): WavInfo | null {
  if (!isWav(audio)) return null;
  let format: Omit<WavInfo, 'data'> | undefined;
  let data: Buffer | undefined;
  for (let offset = 12; offset + 8 <= audio.length; ) {
    const id = audio.toString('latin1', offset, offset + 4);
    const size = audio.readUInt32LE(offset + 4);
    const body = audio.subarray(offset + 8, Math.min(audio.length, offset + 8 + size));
    if (id === 'fmt ' && body.length >= 16) format = readFormat(body);
    // Streaming writers leave the size at 0xFFFFFFFF: the samples then run to the end of the file.
    if (id === 'data') data = body;
    offset += 8 + size + (size % 2);
  }
  return format && data ? { ...format, data } : null;
}

function readFormat(body: Buffer): Omit<WavInfo, 'data'> {
  return {
    audioFormat: body.readUInt16LE(0),
    channels: body.readUInt16LE(2),
    sampleRate: body.readUInt32LE(4),
    bitsPerSample: body.readUInt16LE(14),
  };
}

export function isPcm16(info: WavInfo): boolean {
  return (info.audioFormat === PCM_FORMAT || info.audioFormat === EXTENSIBLE_FORMAT) && info.bitsPerSample === 16;
}

/** True when no PCM16 sample reaches `peak` in magnitude (stops at the first loud one). */
export function isQuietPcm16(samples: Buffer, peak: number): boolean {
  for (let offset = 0; offset + 2 <= samples.length; offset += 2) {
    if (Math.abs(samples.readInt16LE(offset)) >= peak) return false;
  }
  return true;
}

/** Playing time of the samples, in seconds. */
export function wavSeconds(info: WavInfo): number {
  const bytesPerSecond = info.sampleRate * info.channels * (info.bitsPerSample / 8);
  return bytesPerSecond > 0 ? info.data.length / bytesPerSecond : 0;
}
