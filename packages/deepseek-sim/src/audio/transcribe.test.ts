import { APIConnectionError, APIError, APIUserAbortError, OpenAI, toFile } from 'openai';
import type { TranscriptionStreamEvent } from 'openai/resources/audio/transcriptions';
import { startDeepSeekSimulator, type DeepSeekSimulator } from '../server';
import { MAX_AUDIO_BYTES } from './multipart';
import type { TranscriptionRecord } from './record';
import { silentWav, wavWithTranscript } from './sample-uploads';
import { simulatedSpeech } from './speech-audio';
import { SIMULATED_QUESTIONS, simulatedTranscript } from './transcript-text';

let sim: DeepSeekSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ transcriptDeltasPerSecond: 1000 });
  client = new OpenAI({ apiKey: 'sim', baseURL: sim.url, maxRetries: 0 });
});

afterAll(async () => {
  await sim.close();
});

const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** Speech the simulator itself made: loud, valid WAV with no marker in it. */
const spokenWav = (text: string) => simulatedSpeech(text, 'alloy', 'wav');

const transcribe = async (audio: Buffer, name = 'speech.webm', signal?: AbortSignal) =>
  client.audio.transcriptions.create({ file: await toFile(audio, name), model: 'gpt-4o-transcribe' }, { signal });

const openStream = async (audio: Buffer, signal?: AbortSignal) =>
  client.audio.transcriptions.create(
    { file: await toFile(audio, 'speech.webm'), model: 'gpt-4o-transcribe', stream: true, language: 'zh' },
    { signal },
  );

/** Iterates the whole stream, keeping the events that arrived before any error. */
async function drain(audio: Buffer) {
  const events: TranscriptionStreamEvent[] = [];
  let error: unknown = null;
  try {
    for await (const event of await openStream(audio)) events.push(event);
  } catch (e) {
    error = e;
  }
  const deltas = events.flatMap((e) => (e.type === 'transcript.text.delta' ? [e.delta] : []));
  const done = events.filter((e) => e.type === 'transcript.text.done');
  return { events, error, deltas, done };
}

const lastRecord = (): TranscriptionRecord | undefined => sim.transcriptions().at(-1);

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('transcriptions through the openai SDK', () => {
  it('answers JSON with the simulated transcript and a duration usage, and records the request', async () => {
    const audio = spokenWav('你好，世界');
    const result = await transcribe(audio, 'speech.wav');
    expect(result.text).toBe(simulatedTranscript(audio));
    expect(SIMULATED_QUESTIONS).toContain(result.text);
    expect(result.usage).toEqual({ type: 'duration', seconds: 1 });
    expect(lastRecord()).toMatchObject({
      model: 'gpt-4o-transcribe',
      bytes: audio.length,
      format: 'wav',
      stream: false,
      status: 200,
      text: result.text,
      completed: true,
      aborted: false,
    });
  });

  it('streams transcript.text.delta events that join into the transcript.text.done text', async () => {
    const audio = spokenWav('每天走路');
    const { events, error, deltas, done } = await drain(audio);
    expect(error).toBeNull();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => Array.from(d).length >= 1 && Array.from(d).length <= 3)).toBe(true);
    expect(done).toEqual([{ type: 'transcript.text.done', text: simulatedTranscript(audio) }]);
    expect(deltas.join('')).toBe(simulatedTranscript(audio));
    expect(events.at(-1)?.type).toBe('transcript.text.done');
    expect(lastRecord()).toMatchObject({ stream: true, language: 'zh', text: deltas.join(''), completed: true });
  });

  it('returns the forced [[asr-text:...]] text, in a WAV comment or after a WebM header', async () => {
    const forced = '我想减肥 [[sim:echo]] 请复述[[tts:status=500]]';
    expect((await transcribe(wavWithTranscript(forced))).text).toBe(forced);
    const webm = Buffer.concat([EBML, Buffer.from('\x42\x86\x81\x01[[asr-text:早上好]]'), Buffer.alloc(64, 7)]);
    expect((await transcribe(webm)).text).toBe('早上好');
    expect(lastRecord()?.format).toBe('webm');
  });

  it('hears silence as an empty transcript, streamed as a done event alone', async () => {
    expect((await transcribe(silentWav())).text).toBe('');
    const { deltas, done, error } = await drain(silentWav(300));
    expect(error).toBeNull();
    expect(deltas).toEqual([]);
    expect(done).toEqual([{ type: 'transcript.text.done', text: '' }]);
  });

  it("answers plain text for response_format 'text'", async () => {
    const text = await client.audio.transcriptions.create({
      file: await toFile(wavWithTranscript('纯文本'), 'a.wav'),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect(text).toBe('纯文本');
  });

  it('also serves /v1/audio/transcriptions', async () => {
    const v1 = new OpenAI({ apiKey: 'sim', baseURL: `${sim.url}/v1`, maxRetries: 0 });
    const file = await toFile(wavWithTranscript('v1'), 'a.wav');
    const result = await v1.audio.transcriptions.create({ file, model: 'x' });
    expect(result.text).toBe('v1');
  });
});

describe('refused uploads', () => {
  const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as APIError);

  it('refuses undecodable audio with 400 invalid_file_format', async () => {
    for (const bytes of [Buffer.from('just some text'), Buffer.from('\0\0\0\x20ftypM4A mp4 is not simulated')]) {
      const error = await errorOf(transcribe(bytes));
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_file_format', param: 'file' });
      expect(error?.type).toBe('invalid_request_error');
      expect(error?.message).toContain("Invalid file format. Supported formats: ['flac', 'mp3', 'ogg', 'wav', 'webm']");
    }
    expect(lastRecord()).toMatchObject({ status: 400, format: null, completed: true });
  });

  it('answers 401 without a bearer token', async () => {
    const error = await errorOf(
      client.audio.transcriptions.create(
        { file: await toFile(silentWav(), 'a.wav'), model: 'whisper-1' },
        { headers: { Authorization: null } },
      ),
    );
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key' });
    expect(lastRecord()?.status).toBe(401);
  });

  it('answers 400 to a missing model, a missing file, and an unsimulated response_format', async () => {
    const file = () => toFile(silentWav(), 'a.wav');
    const noModel = await errorOf(client.audio.transcriptions.create({ file: await file(), model: '' }));
    expect(noModel).toMatchObject({ status: 400, param: 'model', type: 'invalid_request_error' });
    const form = new FormData();
    form.append('model', 'whisper-1');
    const noFile = await fetch(`${sim.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim' },
      body: form,
    });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ error: { param: 'file', type: 'invalid_request_error' } });
    const srt = await errorOf(
      client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'srt' }),
    );
    expect(srt).toMatchObject({ status: 400, param: 'response_format' });
  });

  it('answers 400 to a body that is not multipart', async () => {
    const res = await fetch(`${sim.url}/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim', 'content-type': 'application/json' },
      body: '{"model":"whisper-1"}',
    });
    expect(res.status).toBe(400);
  });

  it('answers 413 to a file over 25 MiB, after reading the whole upload', async () => {
    const big = Buffer.concat([silentWav(10), Buffer.alloc(MAX_AUDIO_BYTES)]);
    const error = await errorOf(transcribe(big, 'big.wav'));
    expect(error).toBeInstanceOf(APIError);
    expect(error?.status).toBe(413);
    expect(lastRecord()).toMatchObject({ status: 413, bytes: 0 });
  });
});

describe('transcription faults', () => {
  it('status=503,times=1 fails the first upload of those bytes, then succeeds', async () => {
    const audio = wavWithTranscript(`重试一次 ${Date.now()}`, { faults: 'status=503,times=1' });
    const first = await transcribe(audio).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(APIError);
    expect(first).toMatchObject({ status: 503, type: 'api_error' });
    expect((await transcribe(audio)).text).toBe(simulatedTranscript(audio));
    expect(sim.transcriptions().slice(-2).map((r) => r.status)).toEqual([503, 200]);
  });

  it('cut=N: the SDK iteration throws after N deltas, with no done event', async () => {
    const audio = wavWithTranscript('一二三四五六七八九十，十一十二', { faults: 'cut=2' });
    const { error, deltas, done } = await drain(audio);
    // undici reports the destroyed socket as TypeError "terminated" (from Node's realm: compared by name).
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(deltas).toHaveLength(2);
    expect(simulatedTranscript(audio).startsWith(deltas.join(''))).toBe(true);
    expect(done).toEqual([]);
    expect(lastRecord()).toMatchObject({ text: deltas.join(''), completed: false, aborted: false });
  });

  it('cut without streaming drops the connection (APIConnectionError)', async () => {
    const error = await transcribe(wavWithTranscript('断开', { faults: 'cut=0' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('end=N: the stream ends cleanly after N deltas, with no done event', async () => {
    const { error, deltas, done } = await drain(wavWithTranscript('一二三四五六七八九十', { faults: 'end=1' }));
    expect(error).toBeNull();
    expect(deltas).toHaveLength(1);
    expect(done).toEqual([]);
  });

  it('hang: headers then silence; an abort ends the SDK iteration quietly and is recorded', async () => {
    const audio = wavWithTranscript(`挂起 ${Date.now()}`, { faults: 'hang' });
    const controller = new AbortController();
    const stream = await openStream(audio, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const events: TranscriptionStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual([]);
    await waitFor(() => lastRecord()?.aborted === true);
    expect(lastRecord()).toMatchObject({ text: '', completed: false, aborted: true });
  });

  it('hang without streaming: the abort reaches the caller as APIUserAbortError', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await transcribe(wavWithTranscript('非流挂起', { faults: 'hang' }), 'a.wav', controller.signal).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    await waitFor(() => lastRecord()?.aborted === true);
  });

  it('delay and tps directives still give the same transcript', async () => {
    const audio = wavWithTranscript('慢一点', { faults: 'delay=20,tps=200' });
    const { deltas, done } = await drain(audio);
    expect(deltas.join('')).toBe('慢一点');
    expect(done).toHaveLength(1);
  });
});

describe('recording routes', () => {
  it('lists and clears the transcription records over HTTP', async () => {
    await transcribe(wavWithTranscript('记录我'));
    const listed = (await (await fetch(`${sim.url}/_sim/transcriptions`)).json()) as TranscriptionRecord[];
    expect(listed.at(-1)).toMatchObject({ text: '记录我', status: 200, format: 'wav' });
    expect(listed.at(-1)?.id).toMatch(/^transcription-/);
    expect((await fetch(`${sim.url}/_sim/transcriptions`, { method: 'DELETE' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/_sim/transcriptions`)).json()).toEqual([]);
    expect(sim.transcriptions()).toEqual([]);
    await transcribe(wavWithTranscript('再记录'));
    sim.clearTranscriptions();
    expect(sim.transcriptions()).toEqual([]);
  });
});
