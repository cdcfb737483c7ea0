/** In-memory records of the audio requests, like the chat route's transcripts, for tests to inspect (kept in a BoundedStore). */
import type { AudioFormat } from './format';

export const AUDIO_RECORD_LIMIT = 5_000;

/** One `POST /audio/transcriptions`. */
export interface TranscriptionRecord {
  /** Also sent as the `x-request-id` response header. */
  id: string;
  /** Date.now() when the upload had been read. */
  receivedAt: number;
  model: string;
  /** Size of the uploaded file, in bytes (0 when it was missing or over the 25 MiB limit). */
  bytes: number;
  /** By magic bytes; null when missing or not a supported format. */
  format: AudioFormat | null;
  language: string | null;
  prompt: string | null;
  stream: boolean;
  /** `json` or `text` (as requested; other values were refused with 400). */
  responseFormat: string;
  /** HTTP status sent. */
  status: number;
  /** Transcript text actually written: all of it in JSON, the deltas sent so far when streaming. */
  text: string;
  /** The client went away before the response was finished. */
  aborted: boolean;
  /** The response ran to its natural end (JSON body, done event, or the full error body). */
  completed: boolean;
}

/** One `POST /audio/speech`. */
export interface SpeechRecord {
  id: string;
  receivedAt: number;
  model: string;
  voice: string;
  /** As requested (`wav` when absent), so refused formats such as `mp3` show too. */
  format: string;
  /** The input as received, markers included. */
  input: string;
  instructions: string | null;
  speed: number | null;
  status: number;
  /** Audio bytes handed to the socket so far; below the full length when cut or cancelled. */
  bytesSent: number;
  chunksSent: number;
  /** The client went away first: for a voice feature, an upstream cancel that stopped synthesis. */
  aborted: boolean;
  completed: boolean;
}
