import type { AuraWellClient, SpokenSentence, Utterance } from '@aurawell/client';
import type { ChatEnd } from './chat-meter';
import { awaitEnd, connectFailure, meterGeneration, transcriptFor } from './chat-user';
import { sleep } from './clock';
import type { Recorders } from './histogram';
import { connectClient, type ClientSetup } from './sdk-client';
import type { Credential, VoicePlan } from './shard-protocol';
import type { SpeechLookup } from './speech-records';
import type { TranscriptLookup } from './transcripts';
import { audioFrames, frameDueMs, recordingFor, type Recording } from './voice-audio';
import { audioCause } from './voice-check';
import { VoiceMeter, type SpokenVerdict, type VoiceResult } from './voice-meter';

/** What spoken answers are checked against: the simulator's texts and its speech requests (null: not checked). */
export type VoiceChecks = { lookup: TranscriptLookup | null; speeches: SpeechLookup | null };

export type VoiceUserOptions = {
  utterances: number;
  thinkMs: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  plan: VoicePlan;
  /** Holds the user's client while it is connected (for the open-connections gauge). */
  clients?: Set<AuraWellClient>;
};

/** How long a done answer waits for its final transcript (published after the question was asked, on another path). */
const FINAL_TRANSCRIPT_WAIT_MS = 5000;

/** Sends the recording on `utterance` frame by frame at the plan's pace (due times from the start, so timer lateness does not add up). */
const speak = async (utterance: Utterance, wav: Buffer, plan: VoicePlan): Promise<void> => {
  const began = Date.now();
  for (const [i, frame] of audioFrames(wav, plan.frameMs).entries()) {
    const wait = began + frameDueMs(i, plan.frameMs, plan.pace) - Date.now();
    if (wait > 0) await sleep(wait);
    utterance.send(frame);
  }
};

/** Resolves when `p` does or after `ms`, whichever is first (the timer cleared either way). */
const within = async (p: Promise<void>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
};

/** The spoken verdict of an answer: its sentences against the simulator's speech requests (when read), or only their spans. */
const spokenVerdict = async (end: ChatEnd, sentences: SpokenSentence[], speeches: SpeechLookup | null): Promise<SpokenVerdict> => {
  const audioBytes = sentences.reduce((n, s) => n + s.audio.length, 0);
  const base = { sentences: sentences.length, audioBytes };
  if (end.state !== 'done') return { ...base, cause: null };
  const inputs = speeches === null ? null : await speeches(Date.now()).catch(() => undefined);
  if (inputs === undefined) return { ...base, cause: 'speech_records_unreadable' };
  return { ...base, cause: audioCause(end.text, sentences, inputs) };
};

/**
 * One spoken question through the client SDK (`client.voice()`, a spoken answer asked for): the
 * recording streamed in binary frames, `voice_end`, then the transcript, the answer and its audio
 * measured from that moment. The text checked is the SDK's, each sentence's audio the SDK's
 * `sentence` (its chunks put together); the frames counted are the wire's.
 */
export const spokenQuestion = async (client: AuraWellClient, recording: Recording, plan: VoicePlan, rec: Recorders, checks: VoiceChecks, timeoutMs: number): Promise<VoiceResult> => {
  const utterance = client.voice({ format: 'wav', language: 'zh', speak: true });
  const gen = utterance.generation;
  const sentences: SpokenSentence[] = [];
  let meter: VoiceMeter | null = null;
  const offs = [
    gen.on('sentence', (s) => void sentences.push(s)),
    gen.on('restart', () => void sentences.splice(0)), // a worker took over: what was spoken is void
    utterance.on('transcript', (t) => meter?.onTranscript(t)),
  ];
  await speak(utterance, recording.wav, plan);
  meter = new VoiceMeter(recording.text, rec);
  offs.push(meterGeneration(client, meter, utterance.id));
  utterance.end();
  const end = await awaitEnd(client, gen, timeoutMs);
  if (end.state === 'done') await within(meter.transcribed, FINAL_TRANSCRIPT_WAIT_MS);
  offs.forEach((off) => off());
  const simText = await transcriptFor(checks.lookup, recording.text, end);
  const spoken = await spokenVerdict(end, sentences, checks.speeches);
  return meter.finish(end, simText, checks.lookup === null ? null : recording.text, spoken);
};

/**
 * A voice user: connect through the SDK, ask `utterances` spoken questions (think time between
 * them), each answered in text and speech, close.
 */
export const voiceUser = async (setup: ClientSetup, cred: Credential, index: number, o: VoiceUserOptions, rec: Recorders, checks: VoiceChecks, onResult: (r: VoiceResult) => void): Promise<void> => {
  let client: AuraWellClient;
  try {
    client = await connectClient(setup, cred, index, rec, o.connectTimeoutMs);
  } catch (err) {
    return onResult({ ...connectFailure(err), sentences: 0, audioBytes: 0 });
  }
  o.clients?.add(client);
  for (let i = 0; i < o.utterances; i += 1) {
    if (i > 0 && o.thinkMs > 0) await sleep(o.thinkMs * (0.5 + Math.random()));
    onResult(await spokenQuestion(client, recordingFor(index, i, o.plan.utteranceMs), o.plan, rec, checks, o.timeoutMs));
  }
  o.clients?.delete(client);
  client.close();
};
