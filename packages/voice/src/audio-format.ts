/** What a client may upload as a spoken question. `pcm16` is raw signed 16-bit little-endian samples. */
export type AudioFormat = 'webm' | 'ogg' | 'wav' | 'pcm16';

/** The formats that carry a container header, so their bytes can be recognised. */
export type SniffableAudioFormat = Exclude<AudioFormat, 'pcm16'>;

/** RFC 2586 names raw 16-bit PCM `audio/L16`; the rate belongs in a parameter the caller adds. */
export const AUDIO_MIME_TYPES: Readonly<Record<AudioFormat, string>> = {
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  pcm16: 'audio/L16',
};

export const AUDIO_FILE_EXTENSIONS: Readonly<Record<AudioFormat, string>> = {
  webm: 'webm',
  ogg: 'ogg',
  wav: 'wav',
  pcm16: 'pcm',
};

export const WAV_HEADER_BYTES = 44;

const startsWith = (bytes: Uint8Array, offset: number, expected: readonly number[]): boolean =>
  bytes.length >= offset + expected.length && expected.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const OGG_MAGIC = ascii('OggS');
const RIFF_MAGIC = ascii('RIFF');
const WAVE_MAGIC = ascii('WAVE');

/**
 * Recognises a container by its magic bytes. EBML is also Matroska's header: browsers'
 * MediaRecorder writes WebM, and a provider that takes WebM takes Matroska audio as well.
 */
export const sniffAudioFormat = (bytes: Uint8Array): SniffableAudioFormat | null => {
  if (startsWith(bytes, 0, EBML_MAGIC)) return 'webm';
  if (startsWith(bytes, 0, OGG_MAGIC)) return 'ogg';
  if (startsWith(bytes, 0, RIFF_MAGIC) && startsWith(bytes, 8, WAVE_MAGIC)) return 'wav';
  return null;
};

/** Whether the first bytes of an upload fit the format the client declared. Raw PCM has no header to check. */
export const matchesDeclaredFormat = (declared: AudioFormat, firstBytes: Uint8Array): boolean =>
  declared === 'pcm16' ? firstBytes.length % 2 === 0 : sniffAudioFormat(firstBytes) === declared;

/** Wraps raw 16-bit little-endian PCM in the canonical 44-byte RIFF/WAVE header. */
export const pcm16ToWav = (pcm: Buffer, sampleRate: number, channels = 1): Buffer => {
  const bytesPerSample = 2;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size for plain PCM
  header.writeUInt16LE(1, 20); // format tag 1 = integer PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * bytesPerSample, 28);
  header.writeUInt16LE(channels * bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
};

/** The largest absolute sample value (0..32768); a trailing odd byte is not a sample and is ignored. */
export const pcm16Peak = (pcm: Buffer): number => {
  let peak = 0;
  for (let offset = 0; offset + 1 < pcm.length; offset += 2) {
    peak = Math.max(peak, Math.abs(pcm.readInt16LE(offset)));
  }
  return peak;
};

/** The default 300 of 32768 is about -41 dBFS, far below speech at a normal distance from the microphone. */
export const isSilentPcm16 = (pcm: Buffer, threshold = 300): boolean => pcm16Peak(pcm) < threshold;
