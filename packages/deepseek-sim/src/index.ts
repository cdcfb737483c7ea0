export {
  startDeepSeekSimulator,
  type DeepSeekSimulator,
  type SimulatorLogger,
  type SimulatorOptions,
} from './server';
export {
  DEFAULT_ANSWER_TOKENS,
  MAX_ANSWER_TOKENS,
  simulatedAnswer,
  type SimulatedAnswer,
  type SimulatedAnswerOptions,
} from './answer';
export { parseFaults, SIM_PREFIX, stripDirectives, type FaultPlan } from './faults';
export { TRANSCRIPT_LIMIT, type TokenKind, type Transcript, type TranscriptToken } from './transcripts';
export { type AudioOptions } from './audio/context';
export { AUDIO_FORMATS, detectAudioFormat, type AudioFormat } from './audio/format';
export { MAX_AUDIO_BYTES } from './audio/multipart';
export { AUDIO_RECORD_LIMIT, type SpeechRecord, type TranscriptionRecord } from './audio/record';
export { silentWav, wavWithTranscript, type MarkedWavOptions } from './audio/sample-uploads';
export { simulatedSpeech, SPEECH_FORMATS, SPEECH_SAMPLE_RATE, TTS_PREFIX, type SpeechFormat } from './audio/speech-audio';
export { MAX_SPEECH_INPUT_CHARS } from './audio/speech-request';
export { SILENCE_PEAK, SIMULATED_QUESTIONS, simulatedTranscript, transcriptDeltas } from './audio/transcript-text';
export { encodeWav, parseWav, WAV_HEADER_BYTES, type WavInfo } from './audio/wav';
