/** What the audio routes share with the server: settings, records, fault counters, logger. */
import { FaultCounter } from '../faults';
import type { SimulatorLogger } from '../logger';
import { BoundedStore } from '../bounded-store';
import { AUDIO_RECORD_LIMIT, type SpeechRecord, type TranscriptionRecord } from './record';

export interface AudioOptions {
  /** Streamed transcription: `transcript.text.delta` events per second; default 50. */
  transcriptDeltasPerSecond?: number;
  /** Speech: delay before the first audio chunk, in ms; default 50. */
  firstAudioDelayMs?: number;
  /** Speech: bytes per streamed chunk; default 4096. */
  speechChunkBytes?: number;
  /** Speech: pause between chunks, in ms; default 10. */
  speechChunkIntervalMs?: number;
}

export type AudioSettings = Required<AudioOptions>;

export interface AudioContext {
  settings: AudioSettings;
  logger: SimulatorLogger | undefined;
  transcriptions: BoundedStore<TranscriptionRecord>;
  speeches: BoundedStore<SpeechRecord>;
  /** Separate per route: `times=N` counts requests with the same audio, or the same speech input. */
  transcriptionFaults: FaultCounter;
  speechFaults: FaultCounter;
  /** True while the simulator shuts down, so streams it drops are not recorded as client aborts. */
  isClosing: () => boolean;
}

export function audioSettingsFrom(options: AudioOptions): AudioSettings {
  const settings = {
    transcriptDeltasPerSecond: options.transcriptDeltasPerSecond ?? 50,
    firstAudioDelayMs: options.firstAudioDelayMs ?? 50,
    speechChunkBytes: options.speechChunkBytes ?? 4096,
    speechChunkIntervalMs: options.speechChunkIntervalMs ?? 10,
  };
  if (!(settings.transcriptDeltasPerSecond > 0)) throw new RangeError('transcriptDeltasPerSecond must be > 0');
  if (!(settings.firstAudioDelayMs >= 0)) throw new RangeError('firstAudioDelayMs must be >= 0');
  if (!(Number.isInteger(settings.speechChunkBytes) && settings.speechChunkBytes > 0)) {
    throw new RangeError('speechChunkBytes must be an integer > 0');
  }
  if (!(settings.speechChunkIntervalMs >= 0)) throw new RangeError('speechChunkIntervalMs must be >= 0');
  return settings;
}

export function createAudioContext(
  options: AudioOptions,
  logger: SimulatorLogger | undefined,
  isClosing: () => boolean,
): AudioContext {
  return {
    settings: audioSettingsFrom(options),
    logger,
    transcriptions: new BoundedStore<TranscriptionRecord>(AUDIO_RECORD_LIMIT),
    speeches: new BoundedStore<SpeechRecord>(AUDIO_RECORD_LIMIT),
    transcriptionFaults: new FaultCounter(),
    speechFaults: new FaultCounter(),
    isClosing,
  };
}
