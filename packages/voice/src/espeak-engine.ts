import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import type { SpeechEngine } from './speech-engine';
import { VoiceProviderError } from './voice-error';

export type EspeakEngineOptions = {
  /** Default "espeak-ng" from PATH. */
  binary?: string;
  /** An eSpeak NG voice; default "cmn" (Mandarin, Latin letters read as English). */
  voice?: string;
  /** Words per minute (`-s`); eSpeak's default is 175. */
  speed?: number;
};

const ESPEAK = 'espeak-ng';
// Enough of stderr to say why eSpeak failed ("The specified espeak-ng voice does not exist.").
const STDERR_LIMIT = 2_000;

const espeakArgs = (voice: string, speed: number | undefined): string[] => [
  '-v',
  voice,
  '-b',
  '1', // stdin is UTF-8
  '--stdout',
  ...(speed === undefined ? [] : ['-s', String(speed)]),
];

/** Collects the start of the child's stderr for the error message. */
const captureStderr = (child: ChildProcessWithoutNullStreams): (() => string) => {
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += text;
  });
  return () => stderr.trim().slice(0, STDERR_LIMIT);
};

type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/**
 * Resolves once the child has exited and its pipes closed. Node emits 'close' after a failed spawn
 * too; a spawn error (binary missing) or an abort arrives as 'error' before it and is kept.
 */
const waitForExit = (child: ChildProcessWithoutNullStreams): Promise<Exit> =>
  new Promise((resolve) => {
    let error: Error | undefined;
    child.on('error', (err) => {
      error ??= err;
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal, ...(error ? { error } : {}) }));
  });

/** Turns how eSpeak ended (and any error reading its output) into the error to throw, or null on success. */
const failureOf = (exit: Exit, stderr: string, aborted: boolean, readError?: unknown): VoiceProviderError | null => {
  const provider = ESPEAK;
  if (aborted) return new VoiceProviderError('provider_timeout', 'synthesis aborted', { provider, cause: exit.error });
  if (exit.error) {
    return new VoiceProviderError('provider_unavailable', `could not run eSpeak NG: ${exit.error.message}`, { provider, cause: exit.error });
  }
  if (exit.code === 0 && readError === undefined) return null;
  const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
  const message = `eSpeak NG ${how}${stderr ? `: ${stderr}` : ''}`;
  if (readError !== undefined) return new VoiceProviderError('provider_unavailable', message, { provider, cause: readError });
  return new VoiceProviderError('provider_rejected', message, { provider });
};

/** Kills the child if it still runs, and waits until it has exited. */
const killed = (child: ChildProcessWithoutNullStreams, exited: Promise<Exit>): Promise<Exit> => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return exited;
};

/**
 * Speech from a local eSpeak NG process: robotic, but free, offline and instant, for development
 * and as a fallback. Text goes in on stdin; stdout is relayed chunk by chunk as it is written.
 * Aborting the signal kills the process.
 *
 * What `--stdout` writes (eSpeak NG 1.51, Debian 12): one WAV stream, a 44-byte RIFF header and
 * then 16-bit little-endian mono PCM at 22050 Hz. A pipe cannot be seeked back to fill in the
 * lengths, so the header carries placeholders: the RIFF size is 0x7FFFF024 and the data size
 * 0x7FFFF000 (not 0 or 0xFFFFFFFF). Players that stream WAV ignore them; a consumer that needs the
 * true length counts the bytes. Empty input gives no output at all, not even a header.
 */
export const espeakEngine = (opts: EspeakEngineOptions = {}): SpeechEngine => {
  const binary = opts.binary ?? ESPEAK;
  const args = espeakArgs(opts.voice ?? 'cmn', opts.speed);
  return {
    name: ESPEAK,
    format: 'wav',
    async *synthesize(text, signal) {
      const child = spawn(binary, args, { signal, stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = waitForExit(child);
      const stderr = captureStderr(child);
      // eSpeak may exit before reading all its input (bad voice); the failure is reported from its exit.
      child.stdin.on('error', () => undefined);
      child.stdin.end(text);
      try {
        for await (const chunk of child.stdout) yield chunk as Buffer;
        const failure = failureOf(await exited, stderr(), signal.aborted);
        if (failure) throw failure;
      } catch (err) {
        if (err instanceof VoiceProviderError) throw err;
        throw failureOf(await killed(child, exited), stderr(), signal.aborted, err) ?? err;
      } finally {
        // The consumer stopped early: do not leave eSpeak running, or exited but unreaped.
        await killed(child, exited);
      }
    },
  };
};

/** Whether eSpeak NG can be run (`espeak-ng --version` succeeds). */
export const espeakAvailable = async (binary = ESPEAK): Promise<boolean> => {
  try {
    await promisify(execFile)(binary, ['--version']);
    return true;
  } catch {
    return false;
  }
};
