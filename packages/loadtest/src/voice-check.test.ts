import { simulatedSpeech } from '@aurawell/deepseek-sim';
import { speakableSpan } from '@aurawell/voice';
import { audioCause, SpokenInputs, unspokenWords, type HeardSentence } from './voice-check';

// An answer as the simulator writes them (Markdown bold and a list) and the inputs the worker's
// speech requests carried for its sentences (@aurawell/voice's toSpeakable: marks out, whitespace collapsed).
const LEAD = '关于“每天应该走多少步？”，先别太担心。';
const LIST = '**建议要点**：  \n- 😴 **睡眠**：每晚睡够 7–9 小时';
const TEXT = `${LEAD}\n\n${LIST}`;
const SAID = ['关于“每天应该走多少步？”，先别太担心。', '建议要点： 😴 睡眠：每晚睡够 7–9 小时'];

const inputs = (said = SAID, format = 'wav'): SpokenInputs => {
  const x = new SpokenInputs();
  said.forEach((input) => x.add({ input, voice: 'alloy', format }));
  return x;
};

const heard = (sentence: number, start: number, end: number, audio: Uint8Array, extra: Partial<HeardSentence> = {}): HeardSentence => ({ sentence, textStart: start, textEnd: end, format: 'wav', audio, ...extra });

/** The two sentences as the client hears them when all is well: each exactly the simulator's bytes. */
const sentences = (): HeardSentence[] => [
  heard(0, 0, LEAD.length, simulatedSpeech(SAID[0]!, 'alloy', 'wav')),
  heard(1, TEXT.indexOf('**建议'), TEXT.length, simulatedSpeech(SAID[1]!, 'alloy', 'wav')),
];

describe('a sentence and the speech request that read it', () => {
  it('the request read what the worker makes of the sentence: Markdown marks out, a list marker only at a line start', () => {
    expect(speakableSpan(TEXT, TEXT.indexOf('**建议'), TEXT.length)).toBe(SAID[1]);
    expect(speakableSpan('走 - 4-7-8 呼吸法', 2, 14)).toBe('- 4-7-8 呼吸法');
  });

  it('audio is exact only when it is the bytes of a request for the same words, in the same format', () => {
    const x = inputs();
    const list = { start: TEXT.indexOf('**建议'), end: TEXT.length };
    const bytes = simulatedSpeech(SAID[1]!, 'alloy', 'wav');
    expect(x.compare(TEXT, list, 'wav', bytes)).toBe('exact');
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    expect(x.compare(TEXT, list, 'wav', flipped)).toBe('audio_mismatch');
    expect(x.compare(TEXT, list, 'wav', bytes.subarray(0, bytes.length - 2))).toBe('audio_mismatch');
    expect(x.compare(TEXT, list, 'wav', simulatedSpeech(SAID[1]!, 'echo', 'wav'))).toBe('audio_mismatch');
    expect(x.compare(TEXT, list, 'pcm', simulatedSpeech(SAID[1]!, 'alloy', 'pcm'))).toBe('no_speech_request');
    expect(x.compare('另一句话。', { start: 0, end: 5 }, 'wav', bytes)).toBe('no_speech_request');
    // The same words after a dash mid-line: the worker would have asked for the dash too.
    const midLine = `注意 - ${SAID[1]!}`;
    expect(x.compare(midLine, { start: 3, end: midLine.length }, 'wav', bytes)).toBe('no_speech_request');
  });

  it('keeps each input once, and leaves out formats the simulator does not speak', () => {
    const x = inputs([...SAID, SAID[0]!]);
    x.add({ input: 'mp3 不模拟', voice: 'alloy', format: 'mp3' });
    expect(x.size).toBe(2);
  });
});

describe('a spoken answer against the simulator', () => {
  it('exact: every sentence the bytes of its request, in order, every word spoken', () => {
    expect(audioCause(TEXT, sentences(), inputs())).toBeNull();
    expect(audioCause(TEXT, sentences(), null)).toBeNull();
  });

  it('a sentence not exactly the simulator’s bytes, or read by no request', () => {
    const s = sentences();
    s[1] = { ...s[1]!, audio: s[1]!.audio.subarray(8192) };
    expect(audioCause(TEXT, s, inputs())).toBe('audio_mismatch');
    expect(audioCause(TEXT, sentences(), inputs([SAID[0]!]))).toBe('no_speech_request');
  });

  it('a failed sentence, sentences out of order or overlapping, words nobody spoke, no audio', () => {
    const s = sentences();
    expect(audioCause(TEXT, [s[0]!, { ...s[1]!, error: 'TTS_TIMEOUT', audio: new Uint8Array() }], inputs())).toBe('tts:TTS_TIMEOUT');
    expect(audioCause(TEXT, [s[1]!, s[0]!], inputs())).toBe('sentence_span');
    expect(audioCause(TEXT, [s[0]!, { ...s[1]!, textStart: 3 }], inputs())).toBe('sentence_span');
    expect(audioCause(TEXT, [s[0]!], inputs())).toBe('unspoken_text');
    expect(audioCause(TEXT, [], inputs())).toBe('no_audio');
    expect(audioCause(' \n', [], inputs())).toBeNull();
  });

  it('what lies between sentences may be whitespace and marks, not words', () => {
    expect(unspokenWords(TEXT, sentences())).toBe('');
    expect(unspokenWords('一句。  **  两句。', [{ textStart: 0, textEnd: 3 }, { textStart: 9, textEnd: 12 }])).toBe('');
    expect(unspokenWords('一句。漏了。两句。', [{ textStart: 0, textEnd: 3 }, { textStart: 6, textEnd: 9 }])).toBe('漏了。');
    expect(unspokenWords('一句。两句。**尾巴**', [{ textStart: 0, textEnd: 3 }, { textStart: 3, textEnd: 6 }])).toBe('尾巴');
  });
});
