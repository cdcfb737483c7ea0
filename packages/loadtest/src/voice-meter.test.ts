import { now } from './clock';
import { Recorders } from './histogram';
import { transcriptCause, voiceCause, VoiceMeter } from './voice-meter';

const QUESTION = '每天应该走多少步？ u #0 x';
const ANSWER = '走路很好。';
const sim = { lastUserMessage: QUESTION, content: ANSWER, tokens: [{ text: ANSWER, sentAt: now(), kind: 'content' as const }] };
const spoken = { sentences: 1, audioBytes: 100, cause: null };

/** A meter bound to generation m1 that saw its sending, one token, one audio frame and `done`. */
const answered = (rec: Recorders, t0: number): VoiceMeter => {
  const m = new VoiceMeter(QUESTION, rec);
  m.bind('m1');
  m.onFrame({ type: 'status_update', status: 'sending', seq: 1, message_id: 'm1' }, t0 + 300);
  m.onFrame({ type: 'chat_stream', seq: 2, delta: ANSWER, message_id: 'm1' }, t0 + 700);
  m.onFrame({ type: 'chat_audio', seq: 3, message_id: 'other' }, t0 + 750);
  m.onFrame({ type: 'chat_audio', seq: 3, message_id: 'm1' }, t0 + 900);
  m.onFrame({ type: 'chat_audio', seq: 4, message_id: 'm1' }, t0 + 950);
  m.onFrame({ type: 'status_update', status: 'done', seq: 5, message_id: 'm1' }, t0 + 1000);
  return m;
};

describe('a spoken question, measured from the end of speech', () => {
  it('records the first and the final transcript after it, the first token and the first audio frame, once each', () => {
    const rec = new Recorders();
    const t0 = now();
    const m = answered(rec, t0);
    m.onTranscript({ text: '每天', final: false }, t0 + 200);
    m.onTranscript({ text: QUESTION, final: true }, t0 + 250);
    const s = rec.summaries();
    expect(Object.keys(s).sort()).toEqual(['speech_end_to_final_transcript', 'speech_end_to_first_audio', 'speech_end_to_first_token', 'speech_end_to_sending', 'speech_end_to_transcript']);
    expect(Object.values(s).every((x) => x.count === 1)).toBe(true);
    expect(s.speech_end_to_transcript!.p50).toBeGreaterThanOrEqual(195);
    expect(s.speech_end_to_transcript!.p50).toBeLessThan(205);
    expect(s.speech_end_to_final_transcript!.p50).toBeGreaterThanOrEqual(245);
    expect(s.speech_end_to_first_token!.p50).toBeGreaterThanOrEqual(695);
    expect(s.speech_end_to_first_audio!.p50).toBeGreaterThanOrEqual(895);
    expect(s.speech_end_to_first_audio!.p50).toBeLessThan(905);
    expect(m.finalTranscript).toBe(QUESTION);
  });

  it('exact when the transcript, the text and the audio are', () => {
    const m = answered(new Recorders(), now());
    m.onTranscript({ text: QUESTION, final: true });
    const end = { state: 'done' as const, text: ANSWER, fullResponse: ANSWER };
    expect(m.finish(end, sim, QUESTION, spoken)).toMatchObject({ ok: true, cause: null, tokens: 1, sentences: 1, audioBytes: 100 });
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
