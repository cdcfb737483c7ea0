import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { createAuraWellClient, type SpokenSentence, type WebSocketConstructor } from '@aurawell/client';
import { simulatedSpeech } from '@aurawell/deepseek-sim';
import { checkGeneration } from './support/checks';
import { appliedFrames, endedWithin } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';
import { spokenSentences, voiceDevices } from './support/voice';
import { isTerminal, type Frame } from './support/ws-client';

// A spoken answer survives a dropped socket as text does: on two gateways and two workers, the
// socket drops in the middle of the answer's audio, the client resumes on the other gateway and
// gets every frame after its last seq once, in order; text and each sentence's audio exact.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2, workers: 2 });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const devices = voiceDevices(() => sys);
const device = devices.device;
afterEach(devices.closeAll);

/** The user's generation frames as one socket delivered them: `seq`s exactly `from`, `from + 1`, …, each once. */
const expectRun = (frames: Frame[], from: number) => expect(frames.map((f) => Number(f.seq))).toEqual(frames.map((_, i) => from + i));

/**
 * A spoken answer that outlasts a drop after its first audio frame: the model reads back four
 * sentences (echo) at 10 tokens/s, the first sentence's speech is 3 chat_audio frames, and the last
 * sentence's speech starts 1.5 s late, so frames keep coming after the text ends too.
 */
const slowSpokenAnswer = () => {
  const sentences = ['第一句话先说出来。', '第二句话在断线之后才说完。', '第三句话接着往下讲。', `第四句话最后才说完 ${randomUUID().slice(0, 8)}[[tts:delay=1500]]。`];
  return { sentences, message: `[[sim:echo]] [[sim:tps=10]] ${sentences.join('')}` };
};

/**
 * A spoken answer arrived whole: its text exactly the model's (the sentences read back), each
 * sentence's audio (chunks in order) exactly the simulator's bytes for that sentence, every audio
 * frame naming the span of text it speaks, and each sentence synthesized once (since `since`).
 */
const expectSpokenExactly = (frames: Frame[], sentences: string[], message: string, since: number) => {
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(sentences.join(''));
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content);
  for (const f of frames.filter((x) => x.type === 'chat_audio')) expect(text.slice(Number(f.text_start), Number(f.text_end))).toBe(sentences[Number(f.sentence)]);
  const spoken = spokenSentences(frames);
  expect(spoken.map((s) => ({ index: s.index, final: s.final, error: s.error }))).toEqual(sentences.map((_, index) => ({ index, final: true, error: undefined })));
  spoken.forEach((s, i) => {
    const expected = simulatedSpeech(sentences[i]!, 'alloy', 'wav');
    expect(s.audio.equals(expected)).toBe(true);
    const requests = sys.sim.speeches().filter((r) => r.input === sentences[i] && r.receivedAt >= since);
    expect(requests.map((r) => ({ status: r.status, completed: r.completed, bytesSent: r.bytesSent }))).toEqual([{ status: 200, completed: true, bytesSent: expected.length }]);
  });
};

test('the socket drops mid-spoken-answer: the client reconnects to the other gateway, resumes from its last seq, every frame once in seq order, text and each sentence’s audio exact', async () => {
  const since = Date.now();
  const phone = await device('voice_resume', 0);
  const { sentences, message } = slowSpokenAnswer();
  // Dropped at the first audio frame (sentence 0's first of 3 chunks): what the client held then is what it resumes after.
  const dropped = new Promise<{ messageId: string; first: Frame[] }>((resolve) => {
    phone.onFrame = (f) => {
      if (f.type !== 'chat_audio') return;
      phone.onFrame = () => {};
      phone.terminate();
      resolve({ messageId: String(f.message_id), first: phone.generation(String(f.message_id)) });
    };
  });
  phone.send({ type: 'health_chat', data: { message, speak: true }, request_id: 'spoken-resume' });
  await phone.next((f) => f.type === 'chat_audio', 30000);
  const { messageId, first } = await dropped;
  await phone.closed;
  expectRun(first, 1);
  expect(first.at(-1)).toMatchObject({ type: 'chat_audio', sentence: 0, chunk: 0, final: false });
  expect(first.some((f) => isTerminal(f))).toBe(false);
  const lastSeq = Number(first.at(-1)!.seq);

  const again = await device('voice_resume', 1);
  again.send({ type: 'resume', data: { message_id: messageId, last_seq: lastSeq } });
  await again.next((f) => isTerminal(f, messageId), 60000);
  const rest = again.generation(messageId);
  // Exactly the frames after last_seq, once each, in order: no gap, no repeat across the two sockets.
  expectRun(rest, lastSeq + 1);
  // The rest of sentence 0's audio came through the resume, and later sentences' audio live.
  expect(rest.filter((f) => f.type === 'chat_audio' && f.sentence === 0).map((f) => f.chunk)).toEqual([1, 2]);
  expect(rest.some((f) => f.type === 'chat_audio' && f.sentence === 3)).toBe(true);
  expectSpokenExactly([...first, ...rest], sentences, message, since);
  again.close();
}, 120000);

test('the SDK: the socket drops mid-spoken-answer, the client fails over to the other gateway and resumes; text, audio events and each sentence exact, every frame once', async () => {
  const userId = 'voice_sdk_resume';
  // Every socket the SDK opens, with the frames it delivered (in order).
  const sockets: { url: string; ws: WebSocket; frames: Frame[] }[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      const frames: Frame[] = [];
      sockets.push({ url, ws: this, frames });
      this.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame));
    }
  }
  const [gw0, gw1] = sys.stack.gatewayUrls.map((u) => u.replace(/^http/, 'ws'));
  const client = createAuraWellClient({
    baseUrl: sys.stack.edgeUrl,
    wsUrl: [gw0!, gw1!],
    userId,
    auth: { token: await sys.tokens.issue(userId) },
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    backoff: { initialMs: 50, maxMs: 500 },
    fallbackAfter: 0,
  });
  try {
    const states: string[] = [client.state];
    client.on('state', (s) => states.push(s));
    const { sentences, message } = slowSpokenAnswer();
    const since = Date.now();
    const gen = client.healthChat(message, { speak: true });
    const applied = appliedFrames(gen);
    const audio: number[] = [];
    const spoken: SpokenSentence[] = [];
    gen.on('sentence', (s) => spoken.push(s));
    gen.on('audio', (f) => {
      audio.push(f.seq);
      if (audio.length === 1) sockets[0]!.ws.terminate();
    });
    const result = await endedWithin(gen);
    expect(result.state).toBe('done');
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(sockets.map((s) => new URL(s.url).origin)).toEqual([gw0, gw1].map((u) => new URL(u!).origin));
    // On the wire: the first socket up to somewhere in sentence 0's audio, the second exactly the rest, each frame once.
    const [before, after] = sockets.map((s) => s.frames.filter((f) => f.message_id === gen.messageId && f.seq !== undefined));
    expectRun(before!, 1);
    expect(before!.some((f) => f.type === 'chat_audio') && !before!.some((f) => isTerminal(f))).toBe(true);
    expectRun(after!, before!.length + 1);
    expect(after!.some((f) => f.type === 'chat_audio')).toBe(true);
    // What the application saw: every frame applied once in seq order, one `audio` event per audio frame.
    expect(applied).toEqual([...before!, ...after!]);
    expect(audio).toEqual(applied.filter((f) => f.type === 'chat_audio').map((f) => f.seq));
    expectSpokenExactly(applied, sentences, message, since);
    expect(result.text).toBe(sentences.join(''));
    expect(spoken.map((s) => s.sentence)).toEqual(sentences.map((_, i) => i));
    spoken.forEach((s, i) => {
      expect(result.text.slice(s.textStart, s.textEnd)).toBe(sentences[i]);
      expect(Buffer.from(s.audio).equals(simulatedSpeech(sentences[i]!, 'alloy', 'wav'))).toBe(true);
      expect(s.error).toBeUndefined();
    });
  } finally {
    client.close();
  }
}, 120000);
