import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { createAuraWellClient, type SpokenSentence, type WebSocketConstructor } from '@aurawell/client';
import { simulatedSpeech, silentWav, wavWithTranscript } from '@aurawell/deepseek-sim';
import { checkGeneration } from './support/checks';
import { appliedFrames, endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';
import { speak, spokenSentences, voiceDevices } from './support/voice';
import { chat, isTerminal, type Frame, type TestClient } from './support/ws-client';

// Voice end to end on two gateways and two workers: speech in through the simulator's
// /audio/transcriptions, the transcript asked as a question, the answer spoken through its
// /audio/speech as chat_audio frames of the generation. Raw WebSocket clients check the wire.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    gateways: 2,
    workers: 2,
    serviceEnv: { 'ws-gateway': { VOICE_MAX_UTTERANCE_BYTES: String(256 * 1024), VOICE_MAX_UTTERANCE_MS: '3000', VOICE_PARTIAL_INTERVAL_MS: '200' } },
  });
}, 120000);

afterAll(async () => {
  SdkUser.closeAll();
  await sys?.stop();
}, 60000);

const devices = voiceDevices(() => sys);
const device = devices.device;
afterEach(devices.closeAll);


test('a spoken question: transcript to every device, asked as a question, answered in text and speech, exactly the providers’ words and bytes', async () => {
  const phone = await device('voice_user', 0);
  const laptop = await device('voice_user', 1);
  const question = `我最近睡眠不好，怎么办？ ${randomUUID().slice(0, 8)}`;
  sys.sim.clearSpeeches();
  const transcript = await speak(phone, wavWithTranscript(question, { durationMs: 800 }), { speak: true });
  expect(transcript).toMatchObject({ type: 'voice_transcript', final: true, text: question, origin_connection_id: expect.any(String) });
  const messageId = String(transcript.message_id);
  await phone.next((f) => isTerminal(f, messageId), 60000);
  // The other device sees the same transcript and the same answer, frame for frame.
  await laptop.next((f) => f.type === 'voice_transcript' && f.final === true && f.message_id === messageId);
  await laptop.next((f) => isTerminal(f, messageId), 30000);
  const frames = phone.generation(messageId);
  expect(laptop.generation(messageId)).toEqual(frames);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === question)!.content);
  // Every sentence spoken, in order, each exactly the bytes the speech endpoint sent for it.
  const spoken = spokenSentences(frames);
  const requests = sys.sim.speeches().filter((r) => spoken.length > 0 && r.status === 200);
  expect(spoken.length).toBeGreaterThan(1);
  expect(requests).toHaveLength(spoken.length);
  spoken.forEach((s, i) => {
    expect({ index: s.index, final: s.final, error: s.error }).toEqual({ index: i, final: true, error: undefined });
    expect(s.audio.equals(simulatedSpeech(requests[i]!.input, 'alloy', 'wav'))).toBe(true);
    expect(text.slice(s.start, s.end).length).toBeGreaterThan(0);
    if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spoken[i - 1]!.end);
  });
  // No audio frame is bigger than the chunk size (8 KiB of audio): text frames never wait behind much audio.
  for (const f of frames.filter((x) => x.type === 'chat_audio')) expect(Buffer.from(String(f.audio), 'base64').length).toBeLessThanOrEqual(8192);
  phone.close();
  laptop.close();
}, 120000);

test('a speech fault on one sentence: that sentence ends with TTS_FAILED, the text answer is whole', async () => {
  const c = await device('voice_tts_fault');
  const question = `[[sim:echo]] 第一句话说完了。第二句会失败[[tts:status=500]]。第三句。${randomUUID().slice(0, 8)}`;
  const { messageId, frames } = await chat(c, question, 'health_chat', {});
  expect(checkGeneration(frames).status).toBe('done');
  expect(frames.some((f) => f.type === 'chat_audio')).toBe(false); // not asked to speak
  c.send({ type: 'voice_settings', data: { speak_answers: true } });
  const spokenRun = await chat(c, question);
  const { status, text } = checkGeneration(spokenRun.frames);
  expect(status).toBe('done');
  expect(text).toContain('第三句');
  const spoken = spokenSentences(spokenRun.frames);
  expect(spoken.map((s) => s.error ?? 'ok')).toEqual(['ok', 'TTS_FAILED']);
  expect(messageId).not.toBe(spokenRun.messageId);
  c.close();
}, 120000);

test('cancel while a sentence is being spoken: cancelled at once, the speech request aborted upstream, no audio after the terminal status', async () => {
  const c = await device('voice_cancel');
  c.send({ type: 'voice_settings', data: { speak_answers: true } });
  const marker = randomUUID().slice(0, 8);
  // The speech endpoint takes 20 s before the first sentence's first byte: the cancel lands while it
  // synthesizes, and while the text still streams (5 tokens/s, a long rest): once the text is
  // complete a cancel no longer changes the answer's status (a loaded CI run cancelled that late).
  const rest = '第二句话比较长，后面还有很多很多的内容要慢慢地说出来，一个字一个字地写，好让取消一定落在文字写完之前。';
  c.send({ type: 'health_chat', data: { message: `[[sim:echo]] [[sim:tps=5]] 第一句要说很久很久[[tts:delay=20000]]。${rest}${marker}` }, request_id: 'slow' });
  const sending = await c.next((f) => f.type === 'status_update' && f.status === 'sending', 30000);
  const messageId = String(sending.message_id);
  const inFlight = async () => sys.sim.speeches().find((r) => r.input.includes('delay=20000'));
  for (let i = 0; i < 100 && !(await inFlight()); i += 1) await new Promise((r) => setTimeout(r, 100));
  expect(await inFlight()).toBeDefined();
  c.send({ type: 'cancel', data: { message_id: messageId } });
  await c.next((f) => isTerminal(f, messageId), 10000);
  const frames = c.generation(messageId);
  expect(checkGeneration(frames).status).toBe('cancelled');
  expect(frames.filter((f) => f.type === 'chat_audio')).toHaveLength(0);
  for (let i = 0; i < 50 && !(await inFlight())!.aborted; i += 1) await new Promise((r) => setTimeout(r, 100));
  expect(await inFlight()).toMatchObject({ aborted: true, bytesSent: 0 });
  c.close();
}, 120000);

test('bad audio and limits: documented codes, nothing asked, the connection keeps working', async () => {
  const c = await device('voice_bad');
  const error = (code: string) => c.next((f) => f.type === 'error' && f.error_code === code, 15000);
  c.sendRaw(Buffer.from([1, 2, 3, 4]), true);
  await error('VOICE_NOT_STARTED');
  expect(await speak(c, wavWithTranscript('不是 webm'), { format: 'webm' })).toMatchObject({ error_code: 'VOICE_BAD_FORMAT' });
  expect(await speak(c, silentWav(500))).toMatchObject({ error_code: 'VOICE_SILENT' });
  expect(await speak(c, Buffer.alloc(16000), { format: 'pcm16' })).toMatchObject({ error_code: 'VOICE_SILENT' });
  expect(await speak(c, wavWithTranscript('识别服务故障', { faults: 'status=503' }))).toMatchObject({ error_code: 'VOICE_UNAVAILABLE' });
  expect(await speak(c, Buffer.concat([wavWithTranscript('太大了'), Buffer.alloc(300 * 1024)]))).toMatchObject({ error_code: 'VOICE_TOO_LARGE' });
  c.send({ type: 'voice_start', data: { format: 'wav' }, request_id: 'long' });
  c.sendRaw(wavWithTranscript('太长了'), true);
  await error('VOICE_TOO_LONG');
  c.send({ type: 'voice_start', data: { format: 'wav' }, request_id: 'twice' });
  c.send({ type: 'voice_start', data: { format: 'wav' }, request_id: 'twice-2' });
  await error('VOICE_ALREADY_STARTED');
  c.send({ type: 'voice_cancel' });
  // None of it became a question; a typed one still works on the same connection.
  expect(c.frames.filter((f) => f.type === 'status_update' && f.status === 'sending')).toHaveLength(0);
  const { frames } = await chat(c, `语音出错之后 ${randomUUID()}`);
  expect(checkGeneration(frames).status).toBe('done');
  c.close();
}, 120000);

test('the SDK: a spoken question from a buffer, transcript events, the answer’s text and each spoken sentence exact', async () => {
  const u = new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: 'voice_sdk', auth: { token: await sys.tokens.issue('voice_sdk') } });
  await u.opened();
  const question = `每天应该走多少步？ ${randomUUID().slice(0, 8)}`;
  sys.sim.clearSpeeches();
  const utterance = u.client.voice({ format: 'wav', speak: true, language: 'zh' });
  const transcripts: { text: string; final: boolean }[] = [];
  utterance.on('transcript', (t) => transcripts.push(t));
  const audio = wavWithTranscript(question, { durationMs: 600 });
  for (let at = 0; at < audio.length; at += 2048) utterance.send(audio.subarray(at, at + 2048));
  const gen = utterance.end();
  const sentences: { audio: Uint8Array; error?: string }[] = [];
  gen.on('sentence', (s) => sentences.push(s));
  const result = await endedWithin(gen);
  expect(result.state).toBe('done');
  expect(result.text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === question)!.content);
  expect(transcripts.at(-1)).toEqual({ text: question, final: true });
  expect(utterance.state).toBe('asked');
  const spoken = sys.sim.speeches().filter((r) => r.status === 200);
  expect(sentences.length).toBe(spoken.length);
  expect(sentences.length).toBeGreaterThan(1);
  sentences.forEach((s, i) => expect(Buffer.from(s.audio).equals(simulatedSpeech(spoken[i]!.input, 'alloy', 'wav'))).toBe(true));
  u.close();
}, 120000);

/** Polls `probe` (every 50 ms) until it returns a value; fails after `timeoutMs` saying what it waited for. */
const until = async <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A counter on gateway `g`'s /metrics: the sum of its samples carrying `label` (e.g. `outcome="cancelled"`), 0 when none. */
const gatewayCounter = async (g: number, name: string, label: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${sys.stack.gateways[g]!.opsPort}/metrics`)).text();
  const samples = text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.slice(0, l.lastIndexOf('}')).split(/[{,]/).includes(label));
  return samples.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
};

test('the connection closes, or the utterance is cancelled, during its final transcription: the provider request is aborted, nothing is asked, nothing logged at warn', async () => {
  const userId = 'voice_final_abort';
  const laptop = await device(userId, 1);
  for (const how of ['voice_cancel', 'close'] as const) {
    const phone = await device(userId, 0);
    const question = `说完就走了 ${how} ${randomUUID().slice(0, 8)}`;
    // Every transcription of this audio answers after 10 s: the cancel or the close lands during the final one.
    const audio = wavWithTranscript(question, { durationMs: 800, faults: 'delay=10000' });
    const head = audio.subarray(0, 4096);
    const since = Date.now();
    const mine = () => sys.sim.transcriptions().filter((r) => r.receivedAt >= since);
    const cancelled = await gatewayCounter(0, 'aurawell_voice_utterances_total', 'outcome="cancelled"');
    const utteranceId = `utt-${randomUUID()}`;
    phone.send({ type: 'voice_start', data: { format: 'wav' }, request_id: utteranceId });
    phone.sendRaw(head, true);
    // The partial transcription of the head (as slow) holds the partial pass until voice_end: only the final one uploads the whole audio.
    await until('the partial transcription', () => mine().find((r) => r.bytes === head.length));
    phone.sendRaw(audio.subarray(head.length), true);
    phone.send({ type: 'voice_end', request_id: utteranceId });
    const final = await until('the final transcription', () => mine().find((r) => r.bytes === audio.length));
    expect(final).toMatchObject({ aborted: false, completed: false });
    if (how === 'close') phone.close();
    else phone.send({ type: 'voice_cancel' });
    // Aborted upstream at once, not answered 10 s later (nor cut by the gateway's 30 s deadline).
    const ended = await until('the final transcription to end', () => mine().find((r) => r.id === final.id && (r.aborted || r.completed)));
    expect(ended).toMatchObject({ aborted: true, completed: false, text: '' });
    await until('the utterance counted as cancelled', async () => ((await gatewayCounter(0, 'aurawell_voice_utterances_total', 'outcome="cancelled"')) > cancelled ? true : undefined));
    expect(await gatewayCounter(0, 'aurawell_voice_utterances_total', 'outcome="cancelled"')).toBe(cancelled + 1);
    // Nothing asked: the model never saw it, no device got its transcript, the speaker no error.
    expect(sys.sim.transcripts().some((t) => t.lastUserMessage.includes(question))).toBe(false);
    expect([...laptop.frames, ...phone.frames].filter((f) => f.type === 'voice_transcript' || (f.type === 'status_update' && f.status === 'sending'))).toEqual([]);
    expect(phone.frames.filter((f) => f.type === 'error')).toEqual([]);
    const warnings = sys.stack.gateways[0]!.logs.filter((l) => l.includes(utteranceId) && Number(/"level":(\d+)/.exec(l)?.[1] ?? 50) >= 40);
    expect(warnings).toEqual([]);
    phone.close();
  }
  laptop.close();
}, 120000);

test('the gateway holding an utterance dies mid-utterance: the SDK reports VOICE_INTERRUPTED, nothing is asked, it reconnects and asks again', async () => {
  const u = new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: 'voice_gw_kill', auth: { token: await sys.tokens.issue('voice_gw_kill') } });
  await u.opened();
  const utterance = u.client.voice({ format: 'wav' });
  const failed = new Promise<{ code: string }>((resolve) => utterance.on('error', resolve));
  utterance.send(wavWithTranscript('说到一半网关就挂了'));
  // The gateway this user's connection reached (the only connection open now).
  const counts = await Promise.all(sys.stack.gatewayUrls.map(async (g) => ((await (await fetch(`${g}/ws/stats`)).json()) as { active_connections: number }).active_connections));
  const holder = counts.findIndex((n) => n > 0);
  sys.stack.gateways[holder]!.signal('SIGKILL');
  expect(await failed).toMatchObject({ code: 'VOICE_INTERRUPTED' });
  expect((await endedWithin(utterance.generation)).state).toBe('error');
  await u.opened(30000);
  expect(sys.sim.transcripts().some((t) => t.lastUserMessage.includes('说到一半网关就挂了'))).toBe(false);
  const again = u.client.voice({ format: 'wav' });
  again.send(wavWithTranscript(`再说一次 ${randomUUID().slice(0, 8)}`));
  expect((await endedWithin(again.end())).state).toBe('done');
  u.close();
}, 120000);
