/// <reference lib="dom" />
import { createAuraWellClient, type AuraWellClient, type Generation } from '@aurawell/client';
import * as rest from './rest';
import { byId, CONNECTION_LABEL, conversationButton, liveAnswer, memberGroup, staticMessage } from './view';

// The web chat page: log in, pick who the question is for, ask, watch the answer stream.
// All state lives here; rest.ts talks to the api, view.ts builds the DOM.
type Session = { token: string; userId: string; client: AuraWellClient };

let session: Session | null = null;
let conversationId: string | null = null;
let memberId: string | null = null;
let current: Generation | null = null;

const ui = {
  conn: byId('conn'),
  connText: byId('conn-text'),
  logout: byId<HTMLButtonElement>('logout'),
  loginView: byId('login-view'),
  loginForm: byId<HTMLFormElement>('login-form'),
  username: byId<HTMLInputElement>('username'),
  password: byId<HTMLInputElement>('password'),
  loginError: byId('login-error'),
  chatView: byId('chat-view'),
  member: byId<HTMLSelectElement>('member'),
  memberNote: byId('member-note'),
  newConv: byId<HTMLButtonElement>('new-conv'),
  conversations: byId<HTMLUListElement>('conversations'),
  messages: byId<HTMLOListElement>('messages'),
  askForm: byId<HTMLFormElement>('ask-form'),
  question: byId<HTMLTextAreaElement>('question'),
  send: byId<HTMLButtonElement>('send'),
  stop: byId<HTMLButtonElement>('stop'),
};

const scrollDown = (): void => {
  ui.messages.scrollTop = ui.messages.scrollHeight;
};

const showError = (target: HTMLElement, err: unknown): void => {
  target.textContent = err instanceof Error ? err.message : String(err);
};

/** The connection indicator: state, and how many reconnects this session went through. */
const watchConnection = (client: AuraWellClient): void => {
  let reconnects = 0;
  const show = (): void => {
    ui.conn.dataset.state = client.state;
    ui.conn.dataset.reconnects = String(reconnects);
    const suffix = reconnects > 0 ? `（已重连 ${reconnects} 次）` : '';
    ui.connText.textContent = CONNECTION_LABEL[client.state] + suffix;
  };
  client.on('state', (s) => {
    if (s === 'reconnecting') reconnects += 1;
    show();
  });
  show();
};

const refreshConversations = async (): Promise<void> => {
  if (!session) return;
  const list = await rest.conversations(session.token);
  ui.conversations.replaceChildren(
    ...list.map((c) => conversationButton(c.title ?? c.last_message ?? '未命名对话', c.id === conversationId, () => void openConversation(c.id))),
  );
};

const openConversation = async (id: string | null): Promise<void> => {
  if (!session || current) return;
  conversationId = id;
  ui.messages.replaceChildren();
  if (id) {
    const messages = await rest.history(session.token, id);
    ui.messages.replaceChildren(...messages.map((m) => staticMessage(m.sender, m.content)));
    scrollDown();
  }
  await refreshConversations();
};

const loadMembers = async (s: Session): Promise<void> => {
  for (const family of await rest.families(s.token)) {
    const others = (await rest.members(s.token, family.family_id)).filter((m) => m.user_id !== s.userId);
    if (others.length > 0) ui.member.append(memberGroup(family.name, others.map((m) => ({ value: m.user_id, text: m.display_name ?? m.username }))));
  }
};

const switchMember = async (): Promise<void> => {
  if (!session) return;
  const target = ui.member.value || session.userId;
  ui.memberNote.textContent = '切换中…';
  try {
    await session.client.switchMember(target);
    memberId = ui.member.value || null;
    ui.memberNote.textContent = `现在为「${ui.member.selectedOptions[0]?.textContent ?? ''}」提问`;
  } catch (err) {
    showError(ui.memberNote, err);
  }
};

const setBusy = (busy: boolean): void => {
  ui.send.disabled = busy;
  ui.stop.disabled = !busy;
};

const ask = (message: string): void => {
  if (!session || current) return;
  ui.messages.append(staticMessage('user', message));
  const view = liveAnswer();
  ui.messages.append(view.item);
  scrollDown();
  const gen = session.client.healthChat(message, { ...(conversationId ? { conversationId } : {}), ...(memberId ? { activeMemberId: memberId } : {}) });
  current = gen;
  setBusy(true);
  gen.on('status', (s) => view.setStatus(s));
  gen.on('text', (t) => {
    view.text.textContent = t;
    scrollDown();
  });
  gen.on('reasoning', (r) => view.setReasoning(r));
  void gen.ended.then(async (result) => {
    if (gen.messageId) view.item.dataset.messageId = gen.messageId;
    view.setStatus(result.state);
    view.text.textContent = result.text;
    if (result.error) view.setFailure(`${result.error.code}：${result.error.message}`);
    current = null;
    setBusy(false);
    conversationId = result.done?.conversation_id ?? gen.conversationId ?? conversationId;
    await refreshConversations().catch(() => {});
  });
};

const start = async (token: string, userId: string): Promise<void> => {
  const client = createAuraWellClient({ baseUrl: location.origin, userId, auth: { token, useTicket: true }, backoff: { initialMs: 250, maxMs: 5000 } });
  session = { token, userId, client };
  watchConnection(client);
  ui.loginView.hidden = true;
  ui.chatView.hidden = false;
  ui.logout.hidden = false;
  ui.question.focus();
  await Promise.all([refreshConversations(), loadMembers(session)]);
};

ui.loginForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  ui.loginError.textContent = '';
  rest
    .login(ui.username.value.trim(), ui.password.value)
    .then(({ token, userId }) => start(token, userId))
    .catch((err: unknown) => {
      if (err instanceof rest.ApiError && err.status === 401) ui.loginError.textContent = '用户名或密码错误';
      else showError(ui.loginError, err);
    });
});

ui.askForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const message = ui.question.value.trim();
  if (!message) return;
  ui.question.value = '';
  ask(message);
});

ui.question.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    ui.askForm.requestSubmit();
  }
});

ui.stop.addEventListener('click', () => {
  if (current && session) session.client.cancel(current);
});

ui.member.addEventListener('change', () => void switchMember());
ui.newConv.addEventListener('click', () => void openConversation(null));

ui.logout.addEventListener('click', () => {
  session?.client.close();
  session = null;
  current = null;
  conversationId = null;
  memberId = null;
  ui.messages.replaceChildren();
  ui.conversations.replaceChildren();
  ui.member.replaceChildren(new Option('我自己', ''));
  ui.chatView.hidden = true;
  ui.loginView.hidden = false;
  ui.logout.hidden = true;
  ui.conn.dataset.state = 'idle';
  ui.connText.textContent = '未连接';
  setBusy(false);
});
