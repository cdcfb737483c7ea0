/** Small node:http helpers shared by the chat and audio routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Chat and speech requests are JSON; nothing legitimate comes near this. */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

export function hasBearer(req: IncomingMessage): boolean {
  return /^Bearer\s+\S+/i.test(req.headers.authorization ?? '');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(raw: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Reads the body as UTF-8, or null when the client went away while sending it. Bytes past the
 * limit are dropped (the JSON then fails to parse).
 */
export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size <= limit) chunks.push(buf);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks).toString('utf8');
}
