import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Recorders } from './histogram';
import type { Target } from './topology';

type Frame = { type: string; status?: string; seq?: number; seq_from?: number; delta?: string; message_id?: string; error_code?: string; data?: Record<string, unknown> | null };

export type ChatResult = { ok: boolean; cause: string | null; tokens: number; lost: number; duplicated: number; reordered: number };

const now = (): number => performance.timeOrigin + performance.now();

/** What `oneChat` needs of a socket: JSON frames in as `message` events, JSON text out (a ws WebSocket, or an adapter). */
export type FrameSocket = Pick<WebSocket, 'on' | 'off' | 'send'>;

/** One chat on an open socket, measured from the moment it is sent until its terminal status. */
export const oneChat = (ws: FrameSocket, message: string, rec: Recorders, target: Target, timeoutMs: number): Promise<ChatResult> =>
  new Promise((resolve) => {
    const sent = now();
    let messageId: string | null = null;
    let lastToken: number | null = null;
    let lastSeq = 0;
    const tally = { duplicated: 0, reordered: 0, lost: 0 };
    const deltas: { text: string; at: number }[] = [];
    const finish = (cause: string | null, fullResponse?: string) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      const text = deltas.map((d) => d.text).join('');
      const transcript = target.sim?.transcripts().find((t) => t.lastUserMessage === message);
      let mismatch = fullResponse !== undefined && fullResponse !== text;
      if (transcript && cause === null) {
        mismatch ||= transcript.content !== text;
        transcript.tokens.filter((t) => t.kind === 'content').forEach((t, i) => deltas[i] && rec.get('added_latency').record(deltas[i].at - t.sentAt));
        tally.lost += Math.max(0, transcript.tokens.filter((t) => t.kind === 'content').length - deltas.length);
      }
      if (cause === null) rec.get('time_to_done').record(now() - sent);
      resolve({ ok: cause === null && !mismatch, cause: cause ?? (mismatch ? 'text_mismatch' : null), tokens: deltas.length, ...tally });
    };
    const onMessage = (raw: Buffer) => {
      const f = JSON.parse(raw.toString()) as Frame;
      if (f.type === 'status_update' && f.status === 'sending' && messageId === null) {
        messageId = f.message_id ?? null;
        rec.get('time_to_sending').record(now() - sent);
      }
      if (!messageId || f.message_id !== messageId || f.seq === undefined) return;
      const from = f.seq_from ?? f.seq;
      if (f.seq <= lastSeq) tally.duplicated += 1;
      else if (from !== lastSeq + 1) tally.reordered += 1;
      lastSeq = Math.max(lastSeq, f.seq);
      if (f.type === 'chat_stream') {
        const at = now();
        if (lastToken === null) rec.get('first_token').record(at - sent);
        else rec.get('inter_token_gap').record(at - lastToken);
        lastToken = at;
        deltas.push({ text: f.delta ?? '', at });
      }
      if (f.type === 'status_update' && ['done', 'error', 'cancelled'].includes(f.status ?? '')) {
        finish(f.status === 'done' ? null : `${f.status}:${String(f.data?.error_code ?? '')}`, f.status === 'done' ? String(f.data?.full_response ?? '') : undefined);
      }
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'health_chat', data: { message } }));
  });

/** Opens a socket and waits for `connection_established`, recording the connect time. */
export const openSocket = (target: Target, userId: string, token: string, rec: Recorders, timeoutMs = 30000): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const started = now();
    const ws = new WebSocket(`${target.wsBase}/ws/chat/${encodeURIComponent(userId)}?token=${token}`);
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('connect_timeout'))), timeoutMs);
    ws.once('message', () => {
      clearTimeout(timer);
      rec.get('connect').record(now() - started);
      resolve(ws);
    });
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
    ws.once('close', (code) => (clearTimeout(timer), reject(new Error(`closed:${code}`))));
  });

/** A user: connect, run `chats` chats with think time between them, disconnect. */
export const runChatUser = async (
  target: Target,
  userId: string,
  o: { chats: number; thinkMs: number; timeoutMs: number },
  rec: Recorders,
  onResult: (r: ChatResult) => void,
): Promise<void> => {
  let ws: WebSocket;
  try {
    ws = await openSocket(target, userId, await target.tokens.issue(userId), rec);
  } catch (err) {
    return onResult({ ok: false, cause: `connect:${(err as Error).message}`, tokens: 0, lost: 0, duplicated: 0, reordered: 0 });
  }
  for (let i = 0; i < o.chats; i += 1) {
    onResult(await oneChat(ws, `负载测试 ${userId} #${i} ${randomUUID()}`, rec, target, o.timeoutMs));
    if (o.thinkMs > 0 && i + 1 < o.chats) await new Promise((r) => setTimeout(r, o.thinkMs * (0.5 + Math.random())));
  }
  ws.close();
};
