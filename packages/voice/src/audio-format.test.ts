import {
  AUDIO_FILE_EXTENSIONS,
  AUDIO_MIME_TYPES,
  isSilentPcm16,
  matchesDeclaredFormat,
  pcm16Peak,
  pcm16ToWav,
  sniffAudioFormat,
  WAV_HEADER_BYTES,
} from './audio-format';

/** Signed 16-bit little-endian samples. */
const pcm = (...samples: number[]): Buffer => {
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => bytes.writeInt16LE(sample, i * 2));
  return bytes;
};

const WEBM_START = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);
const OGG_START = Buffer.from('OggS\0\x02\0\0', 'latin1');

describe('sniffAudioFormat', () => {
  it('recognises WebM (EBML), Ogg and RIFF/WAVE by their magic bytes', () => {
    expect(sniffAudioFormat(WEBM_START)).toBe('webm');
    expect(sniffAudioFormat(OGG_START)).toBe('ogg');
    expect(sniffAudioFormat(pcm16ToWav(pcm(1, 2), 16000))).toBe('wav');
  });

  it('rejects a RIFF file that is not WAVE, short input and unknown bytes', () => {
    expect(sniffAudioFormat(Buffer.from('RIFF\0\0\0\0AVI LIST', 'latin1'))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('Ogg', 'latin1'))).toBeNull();
    expect(sniffAudioFormat(Buffer.alloc(0))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('ID3\x04\0\0', 'latin1'))).toBeNull();
  });

  it('reads a Uint8Array as well as a Buffer', () => {
    expect(sniffAudioFormat(new Uint8Array(OGG_START))).toBe('ogg');
  });
});

describe('matchesDeclaredFormat', () => {
  it('accepts a container only when its magic bytes say the declared format', () => {
    expect(matchesDeclaredFormat('webm', WEBM_START)).toBe(true);
    expect(matchesDeclaredFormat('ogg', WEBM_START)).toBe(false);
    expect(matchesDeclaredFormat('wav', OGG_START)).toBe(false);
  });

  it('accepts any even number of bytes as pcm16, which has no header', () => {
    expect(matchesDeclaredFormat('pcm16', pcm(0, 100, -100))).toBe(true);
    expect(matchesDeclaredFormat('pcm16', OGG_START)).toBe(true);
    expect(matchesDeclaredFormat('pcm16', Buffer.from([1, 2, 3]))).toBe(false);
  });
});

describe('pcm16ToWav', () => {
  it('writes the canonical 44-byte header in front of the samples', () => {
    const samples = pcm(0, 1000, -1000, 32767);
    const wav = pcm16ToWav(samples, 16000);
    expect(wav.length).toBe(WAV_HEADER_BYTES + samples.length);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + samples.length);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(28)).toBe(32000);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(samples.length);
    expect(wav.subarray(WAV_HEADER_BYTES).equals(samples)).toBe(true);
  });

  it('derives byte rate and block alignment from the channel count', () => {
    const wav = pcm16ToWav(pcm(1, 2, 3, 4), 48000, 2);
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(28)).toBe(48000 * 2 * 2);
    expect(wav.readUInt16LE(32)).toBe(4);
  });
});

describe('pcm16Peak and isSilentPcm16', () => {
  it('finds the largest absolute sample, negative ones included', () => {
    expect(pcm16Peak(pcm(10, -20, 5))).toBe(20);
    expect(pcm16Peak(pcm(-32768, 32767))).toBe(32768);
    expect(pcm16Peak(Buffer.alloc(0))).toBe(0);
  });

  it('ignores a trailing odd byte', () => {
    expect(pcm16Peak(Buffer.concat([pcm(7), Buffer.from([0xff])]))).toBe(7);
  });

  it('calls audio silent below the threshold (300 by default)', () => {
    expect(isSilentPcm16(pcm(0, 299, -299))).toBe(true);
    expect(isSilentPcm16(pcm(0, -300))).toBe(false);
    expect(isSilentPcm16(pcm(0, 500), 1000)).toBe(true);
  });
});

describe('mime types and extensions', () => {
  it('names every format', () => {
    expect(AUDIO_MIME_TYPES).toEqual({ webm: 'audio/webm', ogg: 'audio/ogg', wav: 'audio/wav', pcm16: 'audio/L16' });
    expect(AUDIO_FILE_EXTENSIONS).toEqual({ webm: 'webm', ogg: 'ogg', wav: 'wav', pcm16: 'pcm' });
  });
});
