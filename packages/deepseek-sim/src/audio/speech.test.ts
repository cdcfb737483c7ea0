import { APIError, OpenAI } from 'openai';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import { startDeepSeekSimulator, type DeepSeekSimulator } from '../server';
import type { SpeechRecord } from './record';
import { simulatedSpeech } from './speech-audio';
import { parseWav, WAV_HEADER_BYTES } from './wav';

let sim: DeepSeekSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ firstAudioDelayMs: 0 });
  client = new OpenAI({ apiKey: 'sim', baseURL: sim.url, maxRetries: 0 });
});

afterAll(async () => {
  await sim.close();
});

const CHUNK_BYTES = 4096;
const ANSWER = '您好！每天走六千到八千步就很好，饭后散步二十分钟，循序渐进。';

const speak = (params: Partial<SpeechCreateParams> & { input: string }, signal?: AbortSignal) =>
  client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', ...params }, { signal });

/** Reads the body chunk by chunk, keeping what arrived before any error. */
async function readAll(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const parts: Buffer[] = [];
  let error: unknown = null;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(Buffer.from(r.value));
  } catch (e) {
    error = e;
  }
  return { bytes: Buffer.concat(parts), reads: parts.length, error };
}

const recordOf = (input: string): SpeechRecord | undefined => sim.speeches().findLast((r) => r.input === input);

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('speech through the openai SDK', () => {
  it('sends exactly simulatedSpeech as a valid 24 kHz mono 16-bit WAV (the default format)', async () => {
    const response = await speak({ input: ANSWER });
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await response.arrayBuffer());
    const expected = simulatedSpeech(ANSWER, 'alloy', 'wav');
    expect(bytes.equals(expected)).toBe(true);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ audioFormat: 1, sampleRate: 24_000, channels: 1, bitsPerSample: 16 });
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - WAV_HEADER_BYTES);
    expect(info?.data.length).toBe(bytes.length - WAV_HEADER_BYTES);
    expect(recordOf(ANSWER)).toMatchObject({
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      format: 'wav',
      status: 200,
      bytesSent: expected.length,
      chunksSent: Math.ceil(expected.length / CHUNK_BYTES),
      completed: true,
      aborted: false,
    });
  });

  it("sends raw PCM for response_format 'pcm', with its content type", async () => {
    const input = `${ANSWER} pcm`;
    const response = await speak({ input, voice: 'nova', response_format: 'pcm' });
    expect(response.headers.get('content-type')).toBe('audio/pcm');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(simulatedSpeech(input, 'nova', 'pcm'))).toBe(true);
    expect(bytes.equals(simulatedSpeech(input, 'nova', 'wav').subarray(WAV_HEADER_BYTES))).toBe(true);
  });

  it('streams the audio in several chunks (chunked transfer, no content-length)', async () => {
    const input = `${ANSWER} 分块`;
    const response = await speak({ input });
    expect(response.headers.get('content-length')).toBeNull();
    const { bytes, reads, error } = await readAll(response);
    expect(error).toBeNull();
    expect(bytes.equals(simulatedSpeech(input, 'alloy', 'wav'))).toBe(true);
    expect(reads).toBeGreaterThan(1);
    expect(recordOf(input)?.chunksSent).toBeGreaterThan(5);
  });

  it('accepts a custom voice object and records instructions and speed', async () => {
    const input = '自定义声音';
    const response = await speak({ input, voice: { id: 'voice_1234' }, instructions: '温柔一点', speed: 1.25 });
    expect(Buffer.from(await response.arrayBuffer()).equals(simulatedSpeech(input, 'voice_1234', 'wav'))).toBe(true);
    expect(recordOf(input)).toMatchObject({ voice: 'voice_1234', instructions: '温柔一点', speed: 1.25 });
  });

  it('speaks 200 ms of silence when only markers are left', async () => {
    const bytes = Buffer.from(await (await speak({ input: '[[tts:delay=0]]' })).arrayBuffer());
    expect(bytes.equals(simulatedSpeech('', 'alloy', 'wav'))).toBe(true);
    expect(parseWav(bytes)?.data).toEqual(Buffer.alloc(24_000 * 0.2 * 2));
  });

  it('also serves /v1/audio/speech', async () => {
    const v1 = new OpenAI({ apiKey: 'sim', baseURL: `${sim.url}/v1`, maxRetries: 0 });
    const response = await v1.audio.speech.create({ model: 'tts-1', voice: 'echo', input: 'v1' });
    expect(Buffer.from(await response.arrayBuffer()).equals(simulatedSpeech('v1', 'echo', 'wav'))).toBe(true);
  });
});

describe('refused speech requests', () => {
  const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as APIError);

  it.each(['mp3', 'opus', 'aac', 'flac'] as const)('refuses response_format %s (wav and pcm only)', async (format) => {
    const error = await errorOf(speak({ input: '格式', response_format: format }));
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'response_format' });
    expect(error?.message).toContain('the simulator speaks wav and pcm only');
  });

  it('answers 400 to a missing model, input or voice, to an input over 4096 characters, and to sse', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: '' }, 'model'],
      [{ input: '' }, 'input'],
      [{ voice: '' }, 'voice'],
      [{ input: '长'.repeat(4097) }, 'input'],
      [{ stream_format: 'sse' }, 'stream_format'],
      [{ speed: 9 }, 'speed'],
    ];
    for (const [override, param] of cases) {
      const error = await errorOf(speak({ input: '正常', ...override } as SpeechCreateParams));
      expect(error).toMatchObject({ status: 400, param });
    }
    const longest = await speak({ input: '长'.repeat(4096), response_format: 'pcm' });
    expect(longest.status).toBe(200);
    await longest.body?.cancel();
  });

  it('answers 401 without a bearer token', async () => {
    const params = { model: 'tts-1', voice: 'alloy', input: '无权' };
    const error = await errorOf(client.audio.speech.create(params, { headers: { Authorization: null } }));
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(recordOf('无权')?.status).toBe(401);
  });
});

describe('speech faults from [[tts:...]] markers', () => {
  it('status=500 reaches the SDK as an APIError; with times=1 only once', async () => {
    const failed = await speak({ input: '失败 [[tts:status=500]]' }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 500, type: 'api_error' });
    const input = `失败一次 [[tts:status=503,times=1]] ${Date.now()}`;
    expect(await speak({ input }).catch((e: unknown) => e)).toMatchObject({ status: 503 });
    const bytes = Buffer.from(await (await speak({ input })).arrayBuffer());
    expect(bytes.equals(simulatedSpeech(input, 'alloy', 'wav'))).toBe(true);
    expect(sim.speeches().filter((r) => r.input === input).map((r) => r.status)).toEqual([503, 200]);
  });

  it('ignores [[sim:...]] markers: those are for the chat route', async () => {
    const input = '聊天指令 [[sim:status=500]]';
    const bytes = Buffer.from(await (await speak({ input })).arrayBuffer());
    expect(bytes.equals(simulatedSpeech(input, 'alloy', 'wav'))).toBe(true);
  });

  it('cut=N: N chunks arrive, then the SDK read fails and the audio is short', async () => {
    const input = `${ANSWER}[[tts:cut=2]]`;
    const response = await speak({ input });
    const { bytes, error } = await readAll(response);
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(bytes.equals(simulatedSpeech(input, 'alloy', 'wav').subarray(0, 2 * CHUNK_BYTES))).toBe(true);
    expect(recordOf(input)).toMatchObject({ bytesSent: 2 * CHUNK_BYTES, chunksSent: 2, completed: false, aborted: false });
    const whole = await (await speak({ input })).arrayBuffer().catch((e: unknown) => e);
    expect(whole).toMatchObject({ name: 'TypeError', message: 'terminated' });
  });

  it('end=N: the response ends cleanly after N chunks, leaving a WAV shorter than its header says', async () => {
    const input = `${ANSWER}[[tts:end=1]]`;
    const bytes = Buffer.from(await (await speak({ input })).arrayBuffer());
    expect(bytes.length).toBe(CHUNK_BYTES);
    expect(bytes.readUInt32LE(40)).toBeGreaterThan(bytes.length);
  });

  it('hang: headers, then nothing until the client aborts; the record says aborted', async () => {
    const input = `挂起 [[tts:hang]] ${Date.now()}`;
    const controller = new AbortController();
    const response = await speak({ input }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const { bytes, error } = await readAll(response);
    expect(bytes.length).toBe(0);
    expect(error).toMatchObject({ name: 'AbortError' });
    await waitFor(() => recordOf(input)?.aborted === true);
    expect(recordOf(input)).toMatchObject({ bytesSent: 0, completed: false });
  });

  it('a client abort mid-stream stops synthesis: recorded as aborted, no more bytes sent', async () => {
    const input = `${'长回答'.repeat(100)} ${Date.now()}`;
    const total = simulatedSpeech(input, 'alloy', 'wav').length;
    const controller = new AbortController();
    const response = await speak({ input }, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    controller.abort();
    await waitFor(() => recordOf(input)?.aborted === true);
    const sentAtAbort = recordOf(input)?.bytesSent ?? NaN;
    expect(sentAtAbort).toBeLessThan(total);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recordOf(input)).toMatchObject({ bytesSent: sentAtAbort, completed: false, aborted: true });
  });
});

describe('recording routes and close()', () => {
  it('lists and clears the speech records over HTTP', async () => {
    await (await speak({ input: '记录' })).arrayBuffer();
    const listed = (await (await fetch(`${sim.url}/_sim/speeches`)).json()) as SpeechRecord[];
    expect(listed.at(-1)).toMatchObject({ input: '记录', status: 200, completed: true });
    expect(listed.at(-1)?.id).toMatch(/^speech-/);
    expect((await fetch(`${sim.url}/_sim/speeches`, { method: 'DELETE' })).status).toBe(200);
    expect(sim.speeches()).toEqual([]);
    await (await speak({ input: '再记录' })).arrayBuffer();
    sim.clearSpeeches();
    expect(await (await fetch(`${sim.url}/_sim/speeches`)).json()).toEqual([]);
  });

  it('close() ends open speech streams at once, without calling them client aborts', async () => {
    const own = await startDeepSeekSimulator();
    const ownClient = new OpenAI({ apiKey: 'sim', baseURL: own.url, maxRetries: 0 });
    const response = await ownClient.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: '关闭 [[tts:hang]]' });
    const reading = readAll(response);
    // The stream hangs forever: close() returning at all shows it does not wait for it.
    await Promise.all([own.close(), own.close()]);
    expect((await reading).error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(own.speeches()[0]).toMatchObject({ aborted: false, completed: false });
  });
});
