import { audioSeconds, detectAudioFormat, invalidFormatMessage } from './format';
import { silentWav, wavWithTranscript } from './sample-uploads';
import { simulatedSpeech } from './speech-audio';
import {
  audioDirectiveText,
  forcedTranscriptSpan,
  SIMULATED_QUESTIONS,
  simulatedTranscript,
  transcriptDeltas,
} from './transcript-text';
import { encodeWav } from './wav';

const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

describe('detectAudioFormat', () => {
  it.each([
    ['wav', simulatedSpeech('嗨', 'alloy', 'wav')],
    ['ogg', Buffer.from('OggS\0\x02rest')],
    ['webm', Buffer.concat([EBML, Buffer.from('webm header')])],
    ['mp3', Buffer.from('ID3\x04\0\0rest')],
    ['mp3', Buffer.from([0xff, 0xfb, 0x90, 0x64])],
    ['flac', Buffer.from('fLaC\0\0\0\x22')],
  ])('recognises %s by its magic bytes', (format, audio) => {
    expect(detectAudioFormat(audio)).toBe(format);
  });

  it('refuses everything else, including MP4, text and empty files', () => {
    const refused = [Buffer.from('\0\0\0\x20ftypM4A '), Buffer.from('hello'), Buffer.alloc(0), Buffer.from([0xff, 0xe1])];
    for (const audio of refused) {
      expect(detectAudioFormat(audio)).toBeNull();
    }
    expect(invalidFormatMessage()).toBe("Invalid file format. Supported formats: ['flac', 'mp3', 'ogg', 'wav', 'webm']");
  });

  it('bills whole seconds: exact for WAV, estimated for compressed audio', () => {
    expect(audioSeconds(silentWav(2500), 'wav')).toBe(3);
    expect(audioSeconds(Buffer.alloc(8_001), 'webm')).toBe(3);
  });
});

describe('simulatedTranscript', () => {
  it('returns the forced text, brackets nested inside it included', () => {
    expect(simulatedTranscript(wavWithTranscript('我想减肥'))).toBe('我想减肥');
    const nested = '回答我 [[sim:echo]] 好的[[tts:status=500]]';
    expect(simulatedTranscript(wavWithTranscript(nested, { faults: 'cut=1' }))).toBe(nested);
    const webm = Buffer.concat([EBML, Buffer.from('\x42\x86\x81\x01 [[asr-text:早上好]] trailing')]);
    expect(simulatedTranscript(webm)).toBe('早上好');
  });

  it('looks for faults outside the forced text only', () => {
    const audio = wavWithTranscript('文本 [[sim:status=500]]', { faults: 'cut=1' });
    expect(audioDirectiveText(audio)).toContain('[[sim:cut=1]]');
    expect(audioDirectiveText(audio)).not.toContain('status=500');
    expect(audioDirectiveText(wavWithTranscript('无指令'))).toBe('');
  });

  it('ignores an unterminated marker', () => {
    expect(forcedTranscriptSpan(Buffer.from('[[asr-text:abc [[x]'))).toBeNull();
  });

  it('hears silence in quiet PCM16 WAV', () => {
    expect(simulatedTranscript(silentWav())).toBe('');
    const hiss = Buffer.alloc(3200);
    for (let i = 0; i < 1600; i++) hiss.writeInt16LE((i * 37) % 599 - 299, i * 2);
    expect(simulatedTranscript(encodeWav(hiss, 16_000))).toBe('');
  });

  it('otherwise picks a fixed question by the hash of the bytes', () => {
    const loud = simulatedSpeech('说点什么', 'alloy', 'wav');
    const heard = simulatedTranscript(loud);
    expect(SIMULATED_QUESTIONS).toContain(heard);
    expect(simulatedTranscript(Buffer.from(loud))).toBe(heard);
    const words = ['一', '二', '三', '四', '五', '六', '七', '八'];
    const heardSet = new Set(words.map((w) => simulatedTranscript(simulatedSpeech(w, 'alloy', 'wav'))));
    expect(heardSet.size).toBeGreaterThan(1);
  });
});

describe('transcriptDeltas', () => {
  it('splits into 1-3 code points that join back to the text, surrogate pairs intact', () => {
    const text = '我最近睡眠不好😴，怎么办？ok';
    const deltas = transcriptDeltas(text);
    expect(deltas.join('')).toBe(text);
    expect(deltas.every((d) => Array.from(d).length >= 1 && Array.from(d).length <= 3)).toBe(true);
    expect(deltas.some((d) => Array.from(d).length > 1)).toBe(true);
    expect(transcriptDeltas('')).toEqual([]);
  });
});
