/// <reference lib="dom" />
import type {
  AcknowledgeRequest,
  ConversationListItem,
  ConversationListResponse,
  DeliveriesResponse,
  DeliveryItem,
  FamilyInfo,
  FamilyListResponse,
  FamilyMember,
  FamilyMembersResponse,
  HistoryMessage,
  HistoryResponse,
  LoginRequest,
  LoginResponse,
  RenameConversationRequest,
} from '@aurawell/protocol';

/** A failed REST call: the HTTP status and the api's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** What a refusal says: the error envelope's `message`, else the framework's `detail` text (404, 405). */
const refusalMessage = (body: unknown, status: number): string => {
  if (typeof body === 'object' && body !== null) {
    if ('message' in body && typeof body.message === 'string') return body.message;
    if ('detail' in body && typeof body.detail === 'string') return body.detail;
  }
  return `HTTP ${status}`;
};

/**
 * One call of the api on this origin; `T` is the route's 200 body as the protocol documents it
 * (the api validates its requests with the same schemas, and the page trusts its own origin).
 */
const call = async <T>(path: string, token: string | null, init: { method?: string; body?: object } = {}): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method, headers, body: init.body ? JSON.stringify(init.body) : undefined });
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, refusalMessage(body, res.status));
  return body as T;
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
  const body: LoginRequest = { username, password };
  const token = (await call<LoginResponse>('/api/v1/auth/login', null, { method: 'POST', body })).data?.access_token;
  if (typeof token !== 'string') throw new ApiError(500, 'login answered without a token');
  return { token, userId: subjectOf(token) };
};

export const families = async (token: string): Promise<FamilyInfo[]> => (await call<FamilyListResponse>('/api/v1/family', token)).data ?? [];

export const members = async (token: string, familyId: string): Promise<FamilyMember[]> =>
  (await call<FamilyMembersResponse>(`/api/v1/family/${encodeURIComponent(familyId)}/members`, token)).data ?? [];

export const conversations = async (token: string): Promise<ConversationListItem[]> =>
  (await call<ConversationListResponse>('/api/v1/chat/conversations', token)).conversations ?? [];

export const history = async (token: string, conversationId: string): Promise<HistoryMessage[]> =>
  (await call<HistoryResponse>(`/api/v1/chat/history?conversation_id=${encodeURIComponent(conversationId)}&limit=100`, token)).messages ?? [];

/** The caller's unread reminder deliveries, newest first. */
export const unreadReminders = async (token: string): Promise<DeliveryItem[]> =>
  (await call<DeliveriesResponse>('/api/v1/reminders/deliveries?unread_only=true&limit=50', token)).data?.deliveries ?? [];

/** Marks deliveries read on every device (the REST twin of the `acknowledge` frame). */
export const acknowledgeReminders = async (token: string, ids: string[]): Promise<void> => {
  const body: AcknowledgeRequest = { delivery_ids: ids };
  await call('/api/v1/reminders/deliveries/acknowledge', token, { method: 'POST', body });
};

const conversationPath = (id: string): string => `/api/v1/chat/conversation/${encodeURIComponent(id)}`;

export const renameConversation = async (token: string, id: string, title: string): Promise<void> => {
  const body: RenameConversationRequest = { title };
  await call(`${conversationPath(id)}/title`, token, { method: 'PUT', body });
};

export const deleteConversation = async (token: string, id: string): Promise<void> => {
  await call(conversationPath(id), token, { method: 'DELETE' });
};
