export {
  AUDIO_FILE_EXTENSIONS,
  AUDIO_MIME_TYPES,
  WAV_HEADER_BYTES,
  isSilentPcm16,
  matchesDeclaredFormat,
  pcm16Peak,
  pcm16ToWav,
  sniffAudioFormat,
  type AudioFormat,
  type SniffableAudioFormat,
} from './audio-format';
export { espeakAvailable, espeakEngine, type EspeakEngineOptions } from './espeak-engine';
export { SentenceChunker, type SentenceChunkerOptions, type SpeechSpan } from './sentences';
export { speakableSpan } from './speakable';
export {
  SPEECH_MIME_TYPES,
  openAiSpeechEngine,
  type OpenAiSpeechEngineOptions,
  type SpeechEngine,
  type SpeechFormat,
} from './speech-engine';
export {
  openAiTranscriber,
  type OpenAiTranscriberOptions,
  type TranscribeOptions,
  type Transcriber,
} from './transcriber';
export {
  VoiceProviderError,
  type VoiceProviderErrorCode,
  type VoiceProviderErrorDetails,
} from './voice-error';
