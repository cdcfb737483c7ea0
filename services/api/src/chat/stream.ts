import { newConversationId } from '@aurawell/db';
import type { BusFrame } from '@aurawell/generation';
import type { ChatStreamRequest } from '@aurawell/protocol';
import type { Request, Response } from 'express';
import type { GenerationClient } from '../generations/client';
import { HttpError } from '../http/errors';
import { RequestValidationError } from '../http/validate';

/** What the SSE fallback uses: the generation client and the longest a generation may run. */
export type StreamDeps = { generations: GenerationClient; config: { GENERATION_DEADLINE_MS: number } };

const KEEPALIVE_MS = 15000;

/** `Last-Event-ID: <message_id>:<seq>`, the id of the last event the client received. */
export const parseLastEventId = (header: string | undefined): { messageId: string; seq: number } | null => {
  const m = /^(.+):(\d+)$/.exec(header?.trim() ?? '');
  return m?.[1] && m[2] ? { messageId: m[1], seq: Number(m[2]) } : null;
};

/** One frame as a Server-Sent Event; the id lets the client resume exactly after it. */
const sseEvent = (frame: BusFrame): string => {
  const type = (JSON.parse(frame.raw) as { type?: string }).type ?? 'message';
  return `id: ${frame.messageId}:${frame.seq}\nevent: ${type}\ndata: ${frame.raw}\n\n`;
};

/**
 * An SSE response that opens on the first frame (so a refusal can still be a plain HTTP error),
 * sends keep-alive comments through idle proxies, and stops when the client leaves.
 */
const openEventStream = (req: Request, res: Response) => {
  const gone = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  req.on('close', () => {
    clearInterval(timer);
    gone.abort();
  });
  const open = () => {
    if (res.headersSent) return;
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    timer = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  };
  return {
    signal: gone.signal,
    send: (frame: BusFrame) => {
      open();
      res.write(sseEvent(frame));
    },
    end: () => {
      clearInterval(timer);
      if (res.headersSent) res.end();
    },
  };
};

const resumeTarget = (req: Request, body: ChatStreamRequest) => {
  const fromHeader = parseLastEventId(req.get('last-event-id'));
  if (fromHeader) return fromHeader;
  return body.message_id !== undefined ? { messageId: body.message_id, seq: body.last_seq ?? 0 } : null;
};

const startNew = async (deps: StreamDeps, userId: string, body: ChatStreamRequest, stream: ReturnType<typeof openEventStream>) => {
  const result = await deps.generations.follow(
    {
      userId,
      kind: body.type === 'general_chat' ? 'general' : 'health',
      message: body.message ?? '',
      context: body.context ?? null,
      conversationId: body.conversation_id ?? newConversationId(userId),
      // Created on first use, as over the WebSocket (conversation ids are per user).
      newConversation: true,
      activeMemberId: body.active_member_id ?? null,
      requestId: body.request_id ?? null,
    },
    stream.send,
    { timeoutMs: deps.config.GENERATION_DEADLINE_MS, signal: stream.signal },
  );
  if (result === 'too_many') throw new HttpError(429, 'Too many answers are being generated for this user; try again shortly');
};

/**
 * `POST /api/v1/chat/stream`: the WebSocket's frames as Server-Sent Events, for networks that block
 * WebSockets. Re-posting with `Last-Event-ID` resumes the same generation after that event.
 */
export const streamHandler =
  (deps: StreamDeps) =>
  async ({ req, res, userId, body }: { req: Request; res: Response; userId: string; body: ChatStreamRequest }) => {
    const stream = openEventStream(req, res);
    try {
      const resume = resumeTarget(req, body);
      if (!resume && body.message === undefined) {
        throw new RequestValidationError([{ type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: body }]);
      }
      if (resume) {
        const ids = { userId, messageId: resume.messageId, afterSeq: resume.seq };
        const outcome = await deps.generations.resume(ids, stream.send, stream.signal);
        if (outcome.found === 'none') throw new HttpError(404, 'Generation not found');
        // Past the replay window: one terminal event with the whole text, as the WebSocket's resume.
        if (outcome.found === 'stored') stream.send({ messageId: ids.messageId, seq: 0, terminal: true, raw: JSON.stringify(outcome.frame) });
      } else {
        await startNew(deps, userId, body, stream);
      }
    } finally {
      stream.end();
    }
  };
