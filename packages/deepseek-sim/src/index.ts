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
export { parseFaults, stripDirectives, type FaultPlan } from './faults';
export { TRANSCRIPT_LIMIT, type TokenKind, type Transcript, type TranscriptToken } from './transcripts';
