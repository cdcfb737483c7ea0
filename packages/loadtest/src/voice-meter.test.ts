import { now } from './clock';
import { Recorders } from './histogram';
import { transcriptCause, voiceCause, VoiceMeter } from './voice-meter';
import type { WireFrame } from './wire-tally';

const QUESTION = '每天应该走多少步？ u #0 x';
const ANSWER = '走路很好。';
const sim = { lastUserMessage: QUESTION, content: ANSWER, tokens: [ANSWER.slice(0, 2), ANSWER.slice(2)].map((text) => ({ text, sentAt: now(), kind: 'content' as const })) };
const spoken = { sentences: 1, audioBytes: 100, cause: null };

/** A meter bound to generation m1 that saw its sending, two tokens (one of them twice), audio frames and `done`. */
const answered = (rec: Recorders, t0: number): VoiceMeter => {
  const m = new VoiceMeter(QUESTION, rec);
  m.bind('m1');
  m.onFrame({ type: 'status_update', status: 'sending', seq: 1, message_id: 'm1' }, t0 + 300);
  m.onFrame({ type: 'chat_stream', seq: 2, delta: ANSWER.slice(0, 2), message_id: 'm1' }, t0 + 700);
  m.onFrame({ type: 'chat_stream', seq: 2, delta: ANSWER.slice(0, 2), message_id: 'm1' }, t0 + 720); // a repeat adds nothing
  m.onFrame({ type: 'chat_stream', seq: 3, delta: ANSWER.slice(2), message_id: 'm1' }, t0 + 760);
  m.onFrame({ type: 'chat_audio', seq: 4, message_id: 'other', text_end: 2 } as WireFrame, t0 + 750);
  m.onFrame({ type: 'chat_audio', seq: 4, message_id: 'm1', text_start: 0, text_end: ANSWER.length } as WireFrame, t0 + 900);
  m.onFrame({ type: 'chat_audio', seq: 5, message_id: 'm1', text_start: 0, text_end: ANSWER.length } as WireFrame, t0 + 950);
  m.onFrame({ type: 'status_update', status: 'done', seq: 6, message_id: 'm1' }, t0 + 1000);
  return m;
};

describe('a spoken question, measured from the end of speech', () => {
  it('records the first and the final transcript after it, the first token, the first audio frame and its sentence’s text → audio, once each', () => {
    const rec = new Recorders();
    const t0 = now();
    const m = answered(rec, t0);
    m.onTranscript({ text: '每天', final: false }, t0 + 200);
    m.onTranscript({ text: QUESTION, final: true }, t0 + 250);
    const s = rec.summaries();
    expect(Object.keys(s).sort()).toEqual(['first_sentence_text_to_audio', 'inter_token_gap', 'speech_end_to_final_transcript', 'speech_end_to_first_audio', 'speech_end_to_first_token', 'speech_end_to_sending', 'speech_end_to_transcript']);
    expect(Object.values(s).every((x) => x.count === 1)).toBe(true);
    expect(s.speech_end_to_transcript!.p50).toBeGreaterThanOrEqual(195);
    expect(s.speech_end_to_transcript!.p50).toBeLessThan(205);
    expect(s.speech_end_to_final_transcript!.p50).toBeGreaterThanOrEqual(245);
    expect(s.speech_end_to_first_token!.p50).toBeGreaterThanOrEqual(695);
    expect(s.speech_end_to_first_audio!.p50).toBeGreaterThanOrEqual(895);
    expect(s.speech_end_to_first_audio!.p50).toBeLessThan(905);
    // The sentence's text was complete at +760 (the second text frame), its audio came at +900.
    expect(s.first_sentence_text_to_audio!.p50).toBeGreaterThanOrEqual(135);
    expect(s.first_sentence_text_to_audio!.p50).toBeLessThan(145);
    expect(m.finalTranscript).toBe(QUESTION);
  });

  it('exact when the transcript, the text and the audio are', () => {
    const m = answered(new Recorders(), now());
    m.onTranscript({ text: QUESTION, final: true });
    const end = { state: 'done' as const, text: ANSWER, fullResponse: ANSWER };
    expect(m.finish(end, sim, QUESTION, spoken)).toMatchObject({ ok: true, cause: null, tokens: 2, sentences: 1, audioBytes: 100 });
  });

  it('says the first thing wrong: the answer’s end, then the transcript, the text, the audio', () => {
    const done = { state: 'done' as const, text: ANSWER };
    expect(voiceCause({ state: 'error', text: '', errorCode: 'VOICE_SILENT' }, 'error:VOICE_SILENT', 'no_final_transcript', null)).toBe('error:VOICE_SILENT');
    expect(voiceCause(done, 'text_mismatch', 'transcript_mismatch', 'audio_mismatch')).toBe('transcript_mismatch');
    expect(voiceCause(done, 'text_mismatch', null, 'audio_mismatch')).toBe('text_mismatch');
    expect(voiceCause(done, null, null, 'audio_mismatch')).toBe('audio_mismatch');
    expect(transcriptCause(null, QUESTION)).toBe('no_final_transcript');
    expect(transcriptCause('别的', QUESTION)).toBe('transcript_mismatch');
    expect(transcriptCause('别的', null)).toBeNull();
    const m = answered(new Recorders(), now());
    m.onTranscript({ text: '别的问题', final: true });
    expect(m.finish({ ...done, fullResponse: ANSWER }, sim, QUESTION, spoken)).toMatchObject({ ok: false, cause: 'transcript_mismatch' });
  });
});
