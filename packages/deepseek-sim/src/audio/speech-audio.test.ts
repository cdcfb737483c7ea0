import { simulatedSpeech, speechPcm, SPEECH_SAMPLE_RATE } from './speech-audio';
import { encodeWav, isQuietPcm16, parseWav, WAV_HEADER_BYTES, wavCommentChunk, wavSeconds } from './wav';

/** 40 ms of tone plus 5 ms of silence per character, 2 bytes per sample. */
const SLOT_BYTES = ((SPEECH_SAMPLE_RATE * 45) / 1000) * 2;
const TONE_BYTES = ((SPEECH_SAMPLE_RATE * 40) / 1000) * 2;

/** Zero crossings of the first tone: about 2 per period, so a pitch estimate. */
function zeroCrossings(pcm: Buffer, fromByte: number, toByte: number): number {
  let crossings = 0;
  for (let at = fromByte + 2; at < toByte; at += 2) {
    if (Math.sign(pcm.readInt16LE(at - 2)) !== Math.sign(pcm.readInt16LE(at))) crossings++;
  }
  return crossings;
}

describe('simulatedSpeech', () => {
  it('writes a canonical 24 kHz mono PCM16 WAV with correct sizes', () => {
    const wav = simulatedSpeech('你好，世界', 'alloy', 'wav');
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(24_000);
    expect(wav.readUInt32LE(28)).toBe(48_000); // byte rate
    expect(wav.readUInt16LE(32)).toBe(2); // block align
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(wav.length - WAV_HEADER_BYTES);
    expect(wav.length).toBe(WAV_HEADER_BYTES + 5 * SLOT_BYTES);
  });

  it('pcm is the WAV without its header', () => {
    const wav = simulatedSpeech('睡前少看手机', 'nova', 'wav');
    expect(simulatedSpeech('睡前少看手机', 'nova', 'pcm').equals(wav.subarray(WAV_HEADER_BYTES))).toBe(true);
  });

  it('is deterministic and depends on the text and the voice', () => {
    const a = simulatedSpeech('多喝水', 'alloy', 'pcm');
    expect(simulatedSpeech('多喝水', 'alloy', 'pcm').equals(a)).toBe(true);
    expect(simulatedSpeech('多喝茶', 'alloy', 'pcm').equals(a)).toBe(false);
    expect(simulatedSpeech('多喝水', 'onyx', 'pcm').equals(a)).toBe(false);
  });

  it('sounds a tone per character with silence between, and a pause for whitespace', () => {
    const pcm = speechPcm('a b', 'alloy');
    expect(pcm.length).toBe(3 * SLOT_BYTES);
    expect(isQuietPcm16(pcm.subarray(0, TONE_BYTES), 300)).toBe(false);
    expect(isQuietPcm16(pcm.subarray(TONE_BYTES, SLOT_BYTES), 1)).toBe(true); // the gap
    expect(isQuietPcm16(pcm.subarray(SLOT_BYTES, 2 * SLOT_BYTES), 1)).toBe(true); // the space
    expect(isQuietPcm16(pcm.subarray(2 * SLOT_BYTES, 2 * SLOT_BYTES + TONE_BYTES), 300)).toBe(false);
    const peak = Math.max(...Array.from({ length: TONE_BYTES / 2 }, (_, i) => Math.abs(pcm.readInt16LE(i * 2))));
    expect(peak).toBeGreaterThan(7_000);
    expect(peak).toBeLessThanOrEqual(8_000);
  });

  it('gives audible pitches (roughly 180-900 Hz)', () => {
    for (const ch of ['a', '好', '9', '😴']) {
      const crossings = zeroCrossings(speechPcm(ch, 'shimmer'), 0, TONE_BYTES);
      const hz = crossings / 2 / 0.04;
      expect(hz).toBeGreaterThan(150);
      expect(hz).toBeLessThan(950);
    }
  });

  it('drops [[tts:...]] markers and speaks 200 ms of silence when nothing is left', () => {
    expect(simulatedSpeech('你好[[tts:cut=2]]', 'alloy', 'pcm').equals(simulatedSpeech('你好', 'alloy', 'pcm'))).toBe(true);
    const silence = simulatedSpeech('[[tts:delay=5]]', 'alloy', 'wav');
    const info = parseWav(silence);
    expect(info?.data.length).toBe(((SPEECH_SAMPLE_RATE * 200) / 1000) * 2);
    expect(isQuietPcm16(info?.data ?? Buffer.alloc(0), 1)).toBe(true);
  });
});

describe('parseWav', () => {
  it('reads what simulatedSpeech writes', () => {
    const wav = simulatedSpeech('早睡早起', 'echo', 'wav');
    const info = parseWav(wav);
    expect(info).toMatchObject({ audioFormat: 1, channels: 1, sampleRate: 24_000, bitsPerSample: 16 });
    expect(info?.data.equals(wav.subarray(WAV_HEADER_BYTES))).toBe(true);
    expect(wavSeconds(info!)).toBeCloseTo(0.18, 5);
  });

  it('skips other chunks, such as a LIST comment, and pads odd chunks', () => {
    const pcm = Buffer.from([1, 0, 2, 0, 3, 0]);
    const wav = encodeWav(pcm, 16_000, [wavCommentChunk('odd')]);
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(parseWav(wav)).toMatchObject({ sampleRate: 16_000, data: pcm });
    expect(wav.includes('odd')).toBe(true);
  });

  it('returns null for anything that is not a complete WAV', () => {
    expect(parseWav(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
    expect(parseWav(Buffer.from('OggS and more bytes'))).toBeNull();
  });
});
