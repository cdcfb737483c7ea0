import {
  silentWav,
  simulatedTranscript,
  startDeepSeekSimulator,
  transcriptDeltas,
  wavWithTranscript,
  type DeepSeekSimulator,
  type TranscriptionRecord,
} from '@aurawell/deepseek-sim';
import { pcm16ToWav } from './audio-format';
import { eventually, expectProviderError, refusedBaseURL, rejectionOf } from './provider.fixture';
import { openAiTranscriber, type OpenAiTranscriberOptions } from './transcriber';

// Runs against the DeepSeek simulator's OpenAI-compatible /v1/audio/transcriptions: real HTTP,
// real SDK, real multipart upload. `wavWithTranscript` makes a WAV the simulator hears as the given text.

let sim: DeepSeekSimulator;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ transcriptDeltasPerSecond: 1000 });
});

afterAll(async () => {
  await sim.close();
});

const transcriberFor = (overrides: Partial<OpenAiTranscriberOptions> = {}) =>
  openAiTranscriber({ baseURL: `${sim.url}/v1`, apiKey: 'sim', model: 'gpt-4o-transcribe', ...overrides });

const never = () => new AbortController().signal;
const lastRecord = (): TranscriptionRecord | undefined => sim.transcriptions().at(-1);

/** Loud 16 kHz samples: a square wave, so the simulator does not take them for silence. */
const loudPcm = (): Buffer => {
  const pcm = Buffer.alloc(16_000 * 2);
  for (let i = 0; i < 16_000; i += 1) pcm.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return pcm;
};

describe('openAiTranscriber, streaming (the default)', () => {
  it('returns the final text and reports each growing partial', async () => {
    const question = '我最近睡眠不好，怎么办？';
    const partials: string[] = [];
    const transcriber = transcriberFor();
    expect(transcriber.name).toBe('openai-transcriber');
    const text = await transcriber.transcribe(wavWithTranscript(question), 'wav', {
      signal: never(),
      onPartial: (textSoFar) => partials.push(textSoFar),
    });
    expect(text).toBe(question);
    // One partial per delta, each the previous plus that delta.
    const deltas = transcriptDeltas(question);
    expect(partials).toEqual(deltas.map((_, i) => deltas.slice(0, i + 1).join('')));
    expect(lastRecord()).toMatchObject({ model: 'gpt-4o-transcribe', stream: true, format: 'wav', completed: true });
  });

  it('passes the language on to the provider', async () => {
    await transcriberFor().transcribe(wavWithTranscript('每天应该走多少步？'), 'wav', { signal: never(), language: 'zh' });
    expect(lastRecord()?.language).toBe('zh');
  });

  it('transcribes silence as ""', async () => {
    expect(await transcriberFor().transcribe(silentWav(), 'wav', { signal: never() })).toBe('');
  });

  it('uploads pcm16 as WAV at the given sample rate', async () => {
    const pcm = loudPcm();
    const text = await transcriberFor().transcribe(pcm, 'pcm16', { signal: never(), pcmSampleRate: 16_000 });
    expect(text).toBe(simulatedTranscript(pcm16ToWav(pcm, 16_000)));
    expect(lastRecord()).toMatchObject({ format: 'wav', bytes: pcm.length + 44 });
  });

  it('uploads WebM bytes as they are', async () => {
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(4000, 7)]);
    expect(await transcriberFor().transcribe(webm, 'webm', { signal: never() })).toBe(simulatedTranscript(webm));
    expect(lastRecord()).toMatchObject({ format: 'webm', bytes: webm.length });
  });

  it('fails with provider_unavailable when the stream ends without its done event', async () => {
    const audio = wavWithTranscript('晚饭后多久可以运动？', { faults: 'end=2' });
    const err = await rejectionOf(transcriberFor().transcribe(audio, 'wav', { signal: never() }));
    expect(expectProviderError(err, { code: 'provider_unavailable' }).message).toMatch(/transcript\.text\.done/);
  });

  it('fails with provider_unavailable when the connection is cut mid-stream', async () => {
    const audio = wavWithTranscript('久坐腰疼应该怎么缓解？', { faults: 'cut=2' });
    expectProviderError(await rejectionOf(transcriberFor().transcribe(audio, 'wav', { signal: never() })), { code: 'provider_unavailable' });
  });

  it('stops at once when aborted mid-stream: provider_timeout, and the provider sees the cancel', async () => {
    const controller = new AbortController();
    const audio = wavWithTranscript('血压有点高，饮食要注意什么？', { faults: 'tps=5' });
    const partials: string[] = [];
    const onPartial = (textSoFar: string) => {
      partials.push(textSoFar);
      controller.abort();
    };
    const err = await rejectionOf(transcriberFor().transcribe(audio, 'wav', { signal: controller.signal, onPartial }));
    expectProviderError(err, { code: 'provider_timeout' });
    expect(partials).toHaveLength(1);
    await eventually(() => lastRecord()?.aborted === true);
  });

  it('gives up at timeoutMs even after the stream has started: provider_timeout', async () => {
    const audio = wavWithTranscript('经常头疼需要去医院吗？', { faults: 'tps=0.5' }); // a delta every 2 s
    const err = await rejectionOf(transcriberFor({ timeoutMs: 300 }).transcribe(audio, 'wav', { signal: never() }));
    expectProviderError(err, { code: 'provider_timeout' });
  });
});

describe('openAiTranscriber, not streaming', () => {
  it('returns the JSON text without partials', async () => {
    const onPartial = jest.fn();
    const text = await transcriberFor({ stream: false }).transcribe(wavWithTranscript('午睡多长时间最好？'), 'wav', { signal: never(), onPartial });
    expect(text).toBe('午睡多长时间最好？');
    expect(onPartial).not.toHaveBeenCalled();
    expect(lastRecord()).toMatchObject({ stream: false, completed: true });
  });

  it('gives up after timeoutMs when the provider is slow to answer: provider_timeout', async () => {
    const audio = wavWithTranscript('跑步前需要热身多久？', { faults: 'delay=30000' });
    const err = await rejectionOf(transcriberFor({ stream: false, timeoutMs: 200 }).transcribe(audio, 'wav', { signal: never() }));
    expectProviderError(err, { code: 'provider_timeout' });
  });
});

describe('openAiTranscriber errors', () => {
  it('maps 400 invalid_file_format to audio_undecodable', async () => {
    const notAudio = Buffer.from('this is not audio at all');
    const err = await rejectionOf(transcriberFor().transcribe(notAudio, 'ogg', { signal: never() }));
    expectProviderError(err, { code: 'audio_undecodable', status: 400, provider: 'openai-transcriber' });
  });

  it('maps a 5xx to provider_unavailable and a 401 to provider_rejected', async () => {
    const busy = wavWithTranscript('服务忙', { faults: 'status=503' });
    expectProviderError(await rejectionOf(transcriberFor().transcribe(busy, 'wav', { signal: never() })), { code: 'provider_unavailable', status: 503 });
    const denied = wavWithTranscript('没有权限', { faults: 'status=401' });
    expectProviderError(await rejectionOf(transcriberFor().transcribe(denied, 'wav', { signal: never() })), { code: 'provider_rejected', status: 401 });
  });

  it('maps a refused connection to provider_unavailable', async () => {
    const transcriber = openAiTranscriber({ baseURL: await refusedBaseURL(), apiKey: 'k', model: 'm' });
    expectProviderError(await rejectionOf(transcriber.transcribe(silentWav(), 'wav', { signal: never() })), { code: 'provider_unavailable' });
  });
});
