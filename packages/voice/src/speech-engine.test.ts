import { simulatedSpeech, startDeepSeekSimulator, type DeepSeekSimulator, type SpeechRecord } from '@aurawell/deepseek-sim';
import { eventually, expectProviderError, refusedBaseURL, rejectionOf } from './provider.fixture';
import { openAiSpeechEngine, type OpenAiSpeechEngineOptions } from './speech-engine';

// Runs against the DeepSeek simulator's OpenAI-compatible /v1/audio/speech: real HTTP, real SDK.

let sim: DeepSeekSimulator;
/** A second simulator that waits a minute between audio chunks, so a test holds a stream open. */
let slowSim: DeepSeekSimulator;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ firstAudioDelayMs: 0, speechChunkBytes: 1024, speechChunkIntervalMs: 0 });
  slowSim = await startDeepSeekSimulator({ firstAudioDelayMs: 0, speechChunkBytes: 1024, speechChunkIntervalMs: 60_000 });
});

afterAll(async () => {
  await Promise.all([sim.close(), slowSim.close()]);
});

const engineFor = (server: DeepSeekSimulator, overrides: Partial<OpenAiSpeechEngineOptions> = {}) =>
  openAiSpeechEngine({ baseURL: `${server.url}/v1`, apiKey: 'sim', model: 'gpt-4o-mini-tts', voice: 'alloy', format: 'wav', ...overrides });

const collect = async (chunks: AsyncIterable<Buffer>): Promise<Buffer[]> => {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
};

const never = () => new AbortController().signal;
const recordOf = (server: DeepSeekSimulator, input: string): SpeechRecord | undefined =>
  server.speeches().find((record) => record.input === input);

describe('openAiSpeechEngine', () => {
  it('relays the provider’s WAV audio, byte for byte, as Buffers', async () => {
    const input = '您好，今天的血压正常，请继续保持。';
    const engine = engineFor(sim);
    expect(engine).toMatchObject({ name: 'openai-speech', format: 'wav' });
    const chunks = await collect(engine.synthesize(input, never()));
    expect(chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    expect(Buffer.concat(chunks).equals(simulatedSpeech(input, 'alloy', 'wav'))).toBe(true);
    expect(recordOf(sim, input)).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'alloy', format: 'wav', completed: true });
  });

  it('asks for the configured voice and format (raw PCM)', async () => {
    const input = '这是原始 PCM 音频。';
    const chunks = await collect(engineFor(sim, { voice: 'nova', format: 'pcm' }).synthesize(input, never()));
    expect(Buffer.concat(chunks).equals(simulatedSpeech(input, 'nova', 'pcm'))).toBe(true);
  });

  it('yields audio as it arrives, before the provider has sent it all', async () => {
    // The slow simulator sends one chunk, then waits a minute: only a streaming engine yields now.
    const input = '第一块音频先到。';
    const controller = new AbortController();
    const iterator = engineFor(slowSim).synthesize(input, controller.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual(simulatedSpeech(input, 'alloy', 'wav').subarray(0, 1024));
    controller.abort();
    expectProviderError(await rejectionOf(iterator.next()), { code: 'provider_timeout', provider: 'openai-speech' });
    await eventually(() => recordOf(slowSim, input)?.aborted === true);
    expect(recordOf(slowSim, input)?.completed).toBe(false);
  });

  it('cancels the request when the consumer stops reading', async () => {
    const input = '读了一块就不读了。';
    for await (const chunk of engineFor(slowSim).synthesize(input, never())) {
      expect(chunk.length).toBe(1024);
      break;
    }
    await eventually(() => recordOf(slowSim, input)?.aborted === true);
  });

  it('maps a 5xx to provider_unavailable with the status', async () => {
    const err = await rejectionOf(collect(engineFor(sim).synthesize('[[tts:status=503]]服务忙。', never())));
    expectProviderError(err, { code: 'provider_unavailable', status: 503 });
  });

  it('maps a refused request (a format the provider does not make) to provider_rejected', async () => {
    const err = await rejectionOf(collect(engineFor(sim, { format: 'mp3' }).synthesize('要 MP3。', never())));
    expectProviderError(err, { code: 'provider_rejected', status: 400 });
  });

  it('maps a connection cut mid-audio to provider_unavailable', async () => {
    const err = await rejectionOf(collect(engineFor(sim).synthesize('[[tts:cut=2]]说到一半断了。', never())));
    expectProviderError(err, { code: 'provider_unavailable' });
  });

  it('maps a refused connection to provider_unavailable', async () => {
    const engine = openAiSpeechEngine({ baseURL: await refusedBaseURL(), apiKey: 'k', model: 'm', voice: 'alloy', format: 'wav' });
    expectProviderError(await rejectionOf(collect(engine.synthesize('你好。', never()))), { code: 'provider_unavailable' });
  });
});
