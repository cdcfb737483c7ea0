import { readdirSync, readFileSync } from 'node:fs';
import { isSilentPcm16, WAV_HEADER_BYTES } from './audio-format';
import { espeakAvailable, espeakEngine } from './espeak-engine';
import { expectProviderError, rejectionOf } from './provider.fixture';
import type { VoiceProviderError } from './voice-error';

// Runs the real eSpeak NG (Debian package espeak-ng).

const MANDARIN = '您好，今天的血压是一百二十over八十，属于正常范围。请继续保持。';
const LONG_MANDARIN = '高血压患者每天盐摄入应少于五克，多吃新鲜蔬菜和水果，坚持适量运动。'.repeat(40);

const collect = async (chunks: AsyncIterable<Buffer>): Promise<Buffer[]> => {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
};

/** Children of this process (running or zombie) whose command is `name`, from /proc. */
const childProcessesNamed = (name: string): string[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/stat`, 'utf8')];
      } catch {
        return []; // exited while we looked
      }
    })
    .filter((stat) => {
      // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return comm === name && ppid === String(process.pid);
    });

const expectEspeakError = async (run: Promise<unknown>, code: VoiceProviderError['code'], message: RegExp) => {
  const err = expectProviderError(await rejectionOf(run), { code, provider: 'espeak-ng' });
  expect(err.message).toMatch(message);
};

describe('espeakAvailable', () => {
  it('is true for the installed espeak-ng and false for a binary that does not exist', async () => {
    expect(await espeakAvailable()).toBe(true);
    expect(await espeakAvailable('/nonexistent/espeak-ng')).toBe(false);
  });
});

describe('espeakEngine', () => {
  it('speaks Mandarin as a 22050 Hz mono 16-bit WAV stream with a placeholder length', async () => {
    const engine = espeakEngine();
    expect(engine).toMatchObject({ name: 'espeak-ng', format: 'wav' });
    const chunks = await collect(engine.synthesize(MANDARIN, new AbortController().signal));
    expect(chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    const wav = Buffer.concat(chunks);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // integer PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(22050);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    // Written to a pipe, the lengths cannot be filled in afterwards.
    expect(wav.readUInt32LE(40)).toBe(0x7ffff000);
    const samples = wav.subarray(WAV_HEADER_BYTES);
    expect(samples.length).toBeGreaterThan(22050 * 2); // over a second of speech
    expect(isSilentPcm16(samples)).toBe(false);
  });

  it('speaks faster, so shorter audio, at a higher speed', async () => {
    const signal = new AbortController().signal;
    const slow = Buffer.concat(await collect(espeakEngine({ speed: 120 }).synthesize(MANDARIN, signal)));
    const fast = Buffer.concat(await collect(espeakEngine({ speed: 300 }).synthesize(MANDARIN, signal)));
    expect(fast.length).toBeLessThan(slow.length * 0.7);
  });

  it('stops eSpeak when aborted mid-way: the iterator throws provider_timeout and no child is left', async () => {
    const controller = new AbortController();
    const received: Buffer[] = [];
    const run = (async () => {
      for await (const chunk of espeakEngine().synthesize(LONG_MANDARIN, controller.signal)) {
        received.push(chunk);
        controller.abort();
      }
    })();
    await expectEspeakError(run, 'provider_timeout', /aborted/);
    // The whole text is minutes of audio (megabytes); the pipe holds eSpeak back to 64 KiB ahead of
    // the reader, so a few hundred KiB at most were made before the kill.
    expect(Buffer.concat(received).length).toBeLessThan(1024 * 1024);
    expect(childProcessesNamed('espeak-ng')).toEqual([]);
  });

  it('kills eSpeak when the consumer stops reading early', async () => {
    for await (const chunk of espeakEngine().synthesize(LONG_MANDARIN, new AbortController().signal)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect(childProcessesNamed('espeak-ng')).toEqual([]);
  });

  it('rejects with provider_unavailable naming eSpeak when the binary is missing', async () => {
    const engine = espeakEngine({ binary: '/nonexistent/espeak-ng' });
    const run = collect(engine.synthesize(MANDARIN, new AbortController().signal));
    await expectEspeakError(run, 'provider_unavailable', /^espeak-ng: could not run eSpeak NG: .*ENOENT/);
  });

  it('rejects with provider_rejected and eSpeak’s own message when it exits non-zero', async () => {
    // "no-such-voice" would not fail: eSpeak reads it as Norwegian ("no") with a variant.
    const engine = espeakEngine({ voice: 'nosuchvoice' });
    const run = collect(engine.synthesize(MANDARIN, new AbortController().signal));
    await expectEspeakError(run, 'provider_rejected', /exited with code 1: .*voice does not exist/);
  });

  it('gives no audio at all for empty text', async () => {
    expect(await collect(espeakEngine().synthesize('', new AbortController().signal))).toEqual([]);
  });
});
