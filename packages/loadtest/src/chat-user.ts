import { randomUUID } from 'node:crypto';
import type { AuraWellClient, Generation, GenerationResult } from '@aurawell/client';
import type { WebSocket } from 'ws';
import { ChatMeter, type ChatEnd, type ChatResult } from './chat-meter';
import { sleep } from './clock';
import type { Recorders } from './histogram';
import { connectClient, SocketPool, type ClientSetup } from './sdk-client';
import type { Credential } from './shard-protocol';
import type { Target } from './topology';
import { simTranscripts, type TranscriptLookup } from './transcripts';
import type { WireFrame } from './wire-tally';

export type { ChatResult } from './chat-meter';

/** A failed connect, as a chat result (so it is counted with its cause). */
export const connectFailure = (err: unknown): ChatResult => ({ ok: false, cause: `connect:${(err as Error).message}`, tokens: 0, lost: 0, duplicated: 0, reordered: 0 });

const toEnd = (r: GenerationResult): ChatEnd => ({ state: r.state, text: r.text, fullResponse: r.done?.full_response, errorCode: r.error?.code });

/** The simulator's record for a finished chat: undefined when texts are not checked, null when none was found. */
export const transcriptFor = async (lookup: TranscriptLookup | null, message: string, end: ChatEnd) => {
  if (lookup === null || end.state !== 'done') return undefined;
  return lookup(message).catch(() => null);
};

/** Measures a chat started on `client` (meter bound by request id), from its frames and its end. */
export const meterGeneration = (client: AuraWellClient, meter: Pick<ChatMeter, 'messageId' | 'bind' | 'onFrame'>, requestId: string): (() => void) =>
  client.on('frame', (frame) => {
    const f = frame as WireFrame;
    if (meter.messageId === null && f.type === 'status_update' && f.status === 'sending' && f.data?.request_id === requestId && f.message_id) meter.bind(f.message_id);
    meter.onFrame(f);
  });

/** Waits for a generation's end, or `timeoutMs` (then it is cancelled and counted as a timeout). */
export const awaitEnd = async (client: AuraWellClient, gen: Generation, timeoutMs: number): Promise<ChatEnd> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ChatEnd>((resolve) => (timer = setTimeout(() => resolve({ state: 'timeout', text: gen.text }), timeoutMs)));
  const end = await Promise.race([gen.ended.then(toEnd), timeout]);
  clearTimeout(timer);
  if (end.state === 'timeout') client.cancel(gen);
  return end;
};

/**
 * One chat through the client SDK: the text checked is the SDK's (what an application shows), the
 * frames counted are the wire's (the SDK's `frame` event, duplicates included).
 */
export const sdkChat = async (client: AuraWellClient, message: string, rec: Recorders, lookup: TranscriptLookup | null, timeoutMs: number): Promise<ChatResult> => {
  const meter = new ChatMeter(message, rec);
  const requestId = randomUUID();
  const off = meterGeneration(client, meter, requestId);
  const end = await awaitEnd(client, client.healthChat(message, { requestId }), timeoutMs);
  off();
  return meter.finish(end, await transcriptFor(lookup, message, end));
};

/** A unique chat message: the simulator's transcripts are found by it. */
export const chatMessage = (userId: string, i: number): string => `负载测试 ${userId} #${i} ${randomUUID()}`;

export type ChatUserOptions = {
  chats: number;
  thinkMs: number;
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** Chat until this wall-clock time (ms), at least once, instead of `chats` times. */
  until?: number;
  /** Holds the user's client while it is connected (for the open-connections gauge). */
  clients?: Set<AuraWellClient>;
};

/**
 * A user: connect through the SDK, run `chats` chats (or chat until the time `until`) with think
 * time between them, close.
 */
export const chatUser = async (setup: ClientSetup, cred: Credential, index: number, o: ChatUserOptions, rec: Recorders, lookup: TranscriptLookup | null, onResult: (r: ChatResult) => void): Promise<void> => {
  let client: AuraWellClient;
  try {
    client = await connectClient(setup, cred, index, rec, o.connectTimeoutMs ?? 30000);
  } catch (err) {
    return onResult(connectFailure(err));
  }
  o.clients?.add(client);
  for (let i = 0; o.until !== undefined ? Date.now() < o.until || i === 0 : i < o.chats; i += 1) {
    if (i > 0 && o.thinkMs > 0) await sleep(o.thinkMs * (0.5 + Math.random()));
    if (i > 0 && o.until !== undefined && Date.now() >= o.until) break;
    onResult(await sdkChat(client, chatMessage(cred.userId, i), rec, lookup, o.timeoutMs));
  }
  o.clients?.delete(client);
  client.close();
};

/**
 * `chatUser` against a local target (the benchmark's entry point): token minted, texts checked
 * against its simulator. The token goes in the URL: the direct relay and Socket.IO contenders
 * have no ticket route, and every contender must pay the same per-chat setup.
 */
export const runChatUser = async (target: Target, userId: string, o: { chats: number; thinkMs: number; timeoutMs: number }, rec: Recorders, onResult: (r: ChatResult) => void): Promise<void> => {
  const setup: ClientSetup = { wsUrls: [target.wsBase], httpBase: target.httpBase, pool: new SocketPool(), auth: 'token' };
  const lookup = target.sim ? simTranscripts(target.sim.url) : null;
  await chatUser(setup, { userId, token: await target.tokens.issue(userId) }, 0, o, rec, lookup, onResult);
};

/** What `oneChat` needs of a socket: JSON frames in as `message` events, JSON text out (a ws WebSocket, or an adapter). */
export type FrameSocket = Pick<WebSocket, 'on' | 'off' | 'send'>;

/**
 * One chat on a raw frame socket (the benchmark's Socket.IO contender, which the SDK does not
 * speak), measured by the same meter: the text is the wire's deltas in seq order.
 */
export const oneChat = (ws: FrameSocket, message: string, rec: Recorders, target: Target, timeoutMs: number): Promise<ChatResult> =>
  new Promise((resolve) => {
    const meter = new ChatMeter(message, rec);
    const finish = (end: ChatEnd) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      void transcriptFor(target.sim ? simTranscripts(target.sim.url) : null, message, end).then((t) => resolve(meter.finish(end, t)));
    };
    const onMessage = (raw: Buffer) => {
      const f = JSON.parse(raw.toString()) as WireFrame;
      if (f.type === 'status_update' && f.status === 'sending' && f.message_id) meter.bind(f.message_id);
      meter.onFrame(f);
      if (f.message_id !== meter.messageId || meter.wire.terminalSeq === null) return;
      const state = f.status as ChatEnd['state'];
      finish({ state, text: meter.wire.text, fullResponse: state === 'done' ? String(f.data?.full_response ?? '') : undefined, errorCode: f.data?.error_code as string | undefined });
    };
    const timer = setTimeout(() => finish({ state: 'timeout', text: meter.wire.text }), timeoutMs);
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'health_chat', data: { message } }));
  });
