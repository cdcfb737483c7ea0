import { z } from 'zod';

/**
 * Field schemas shared by every entry point (WebSocket frames, REST and SSE bodies): one
 * definition of each limit, so a field cannot be checked one way on one path and another way
 * (or not at all) on the next.
 */

/** Limits that are part of the contract (the gateway may configure some of them lower). */
export const MAX_MESSAGE_CHARS = 2000;
export const MAX_CONTEXT_JSON_CHARS = 8000;
/** Deepest nesting of objects and arrays a client's `context` may have. */
export const MAX_CONTEXT_DEPTH = 16;
export const MAX_ID_CHARS = 128;

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * A string PostgreSQL can store and compare as the client sent it: no NUL (text columns refuse
 * it, which once turned into a skipped check) and well-formed UTF-16 (a lone surrogate would be
 * stored as U+FFFD, a different value from the one checked).
 */
export const storableText = z
  .string()
  .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' })
  .refine((s) => s.isWellFormed(), { message: 'must be well-formed Unicode (no lone surrogates)' });

/** An opaque identifier chosen elsewhere (a user, member, message or request id). */
export const opaqueId = storableText
  .refine((s) => s.length >= 1 && s.length <= MAX_ID_CHARS, { message: `must be 1 to ${MAX_ID_CHARS} characters` })
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** Conversation ids: letters, digits and `_ - . :` only, at most 128 (the server's own are `conv_…`). */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const conversationId = z
  .string()
  .regex(CONVERSATION_ID_PATTERN, { message: `must be 1 to ${MAX_ID_CHARS} letters, digits, "_", "-", "." or ":"` });

/** The user's text: kept verbatim (never trimmed), but it must contain something besides whitespace. */
export const messageText = storableText
  .refine((s) => s.trim().length > 0, { message: 'message must not be empty' })
  .refine((s) => codePoints(s) <= MAX_MESSAGE_CHARS, {
    message: `message must be at most ${MAX_MESSAGE_CHARS} characters`,
  });

/** Nesting depth of a JSON value, counted without recursion (a hostile value cannot overflow the stack). */
export const jsonDepth = (value: unknown, limit = Infinity): number => {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
};

/** Length of the value as JSON; Infinity when it cannot be serialised. */
const jsonLength = (v: unknown): number => {
  try {
    return JSON.stringify(v).length;
  } catch {
    return Infinity;
  }
};

/**
 * What a client says about the person's current state, given to the model as JSON. Bounded in
 * depth first (cheap, and it keeps the size check from recursing into a hostile value), then in size.
 */
export const chatContext = z
  .record(z.string(), z.unknown())
  .refine((c) => jsonDepth(c, MAX_CONTEXT_DEPTH) <= MAX_CONTEXT_DEPTH, {
    message: `context must be nested at most ${MAX_CONTEXT_DEPTH} levels deep`,
    abort: true,
  })
  .refine((c) => jsonLength(c) <= MAX_CONTEXT_JSON_CHARS, {
    message: `context must be at most ${MAX_CONTEXT_JSON_CHARS} characters of JSON`,
  });
