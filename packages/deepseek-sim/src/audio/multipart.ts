/** Reading the multipart/form-data upload the openai SDK sends to `/audio/transcriptions` (busboy). */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** OpenAI's upload limit for transcriptions. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

export interface UploadForm {
  /** Text fields by name (a repeated name keeps its last value). */
  fields: Map<string, string>;
  /** The part named `file`; null when there was none. */
  file: Buffer | null;
  /** The file went over the limit (the rest of it was read and dropped). */
  fileTooLarge: boolean;
  /** Why the body could not be parsed; null when it could. */
  malformed: string | null;
}

/**
 * Parses the whole upload, or resolves null when the client went away while sending it. The
 * body is always read to its end, so even a 413 reaches a client that is still uploading.
 */
export function readUploadForm(req: IncomingMessage, maxFileBytes = MAX_AUDIO_BYTES): Promise<UploadForm | null> {
  return new Promise((resolve) => {
    const form: UploadForm = { fields: new Map(), file: null, fileTooLarge: false, malformed: null };
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
    const done = (malformed: string | null) => {
      form.malformed = malformed;
      if (malformed === null || req.readableEnded) return resolve(form);
      req.unpipe();
      req.resume();
      req.once('end', () => resolve(form));
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes }, defParamCharset: 'utf8' });
    } catch {
      return done('Expected a multipart/form-data body.');
    }
    collectParts(parser, form, done);
    req.pipe(parser);
  });
}

function collectParts(parser: busboy.Busboy, form: UploadForm, done: (malformed: string | null) => void): void {
  const chunks: Buffer[] = [];
  let sawFile = false;
  parser.on('field', (name, value) => form.fields.set(name, value));
  parser.on('file', (name, stream) => {
    if (name !== 'file' || sawFile) return void stream.resume();
    sawFile = true;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => {
      form.fileTooLarge = true;
      chunks.length = 0; // keep reading, keep nothing
    });
  });
  parser.on('error', (err: unknown) => {
    done(`Malformed multipart body: ${err instanceof Error ? err.message : String(err)}`);
  });
  parser.on('close', () => {
    if (sawFile && !form.fileTooLarge) form.file = Buffer.concat(chunks);
    done(null);
  });
}
