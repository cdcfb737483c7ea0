/// <reference lib="dom" />

/** A failed REST call: the HTTP status and the api's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type Family = { family_id: string; name: string };
export type Member = { user_id: string; username: string; display_name: string | null };
export type ConversationItem = { id: string; title: string | null; last_message: string | null; updated_at: string; message_count: number };
export type HistoryMessage = { id: string; sender: 'user' | 'agent'; content: string };
export type Delivery = { id: string; title: string; message: string; due_at: string };

/** One call of the api on this origin; returns the parsed body. */
const call = async (path: string, token: string | null, init: RequestInit = {}): Promise<Record<string, unknown>> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { ...init, headers });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, typeof body.message === 'string' ? body.message : typeof body.detail === 'string' ? body.detail : `HTTP ${res.status}`);
  return body;
};

/** The user id is the token's `sub` (the WebSocket path needs it). */
const subjectOf = (token: string): string => {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const sub = (JSON.parse(json) as { sub?: unknown }).sub;
  if (typeof sub !== 'string' || sub === '') throw new Error('token without sub');
  return sub;
};

export const login = async (username: string, password: string): Promise<{ token: string; userId: string }> => {
  const body = await call('/api/v1/auth/login', null, { method: 'POST', body: JSON.stringify({ username, password }) });
  const token = (body.data as { access_token?: unknown } | null)?.access_token;
  if (typeof token !== 'string') throw new ApiError(500, 'login answered without a token');
  return { token, userId: subjectOf(token) };
};

export const families = async (token: string): Promise<Family[]> => ((await call('/api/v1/family', token)).data as Family[] | null) ?? [];

export const members = async (token: string, familyId: string): Promise<Member[]> =>
  ((await call(`/api/v1/family/${encodeURIComponent(familyId)}/members`, token)).data as Member[] | null) ?? [];

export const conversations = async (token: string): Promise<ConversationItem[]> =>
  ((await call('/api/v1/chat/conversations', token)).conversations as ConversationItem[] | undefined) ?? [];

export const history = async (token: string, conversationId: string): Promise<HistoryMessage[]> =>
  ((await call(`/api/v1/chat/history?conversation_id=${encodeURIComponent(conversationId)}&limit=100`, token)).messages as HistoryMessage[] | undefined) ?? [];

/** The caller's unread reminder deliveries, newest first. */
export const unreadReminders = async (token: string): Promise<Delivery[]> =>
  ((await call('/api/v1/reminders/deliveries?unread_only=true&limit=50', token)).data as { deliveries?: Delivery[] } | null)?.deliveries ?? [];

/** Marks deliveries read on every device (the REST twin of the `acknowledge` frame). */
export const acknowledgeReminders = async (token: string, ids: string[]): Promise<void> => {
  await call('/api/v1/reminders/deliveries/acknowledge', token, { method: 'POST', body: JSON.stringify({ delivery_ids: ids }) });
};

const conversationPath = (id: string): string => `/api/v1/chat/conversation/${encodeURIComponent(id)}`;

export const renameConversation = async (token: string, id: string, title: string): Promise<void> => {
  await call(`${conversationPath(id)}/title`, token, { method: 'PUT', body: JSON.stringify({ title }) });
};

export const deleteConversation = async (token: string, id: string): Promise<void> => {
  await call(conversationPath(id), token, { method: 'DELETE' });
};
