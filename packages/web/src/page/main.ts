/// <reference lib="dom" />
import { createAuraWellClient, type AuraWellClient, type Generation, type RemoteGeneration } from '@aurawell/client';
import { conversationList } from './conversation-list';
import { deviceId } from './device';
import { newConversationId } from './ids';
import { watchReminders, type Reminders } from './reminders';
import * as rest from './rest';
import { byId, CONNECTION_LABEL, followAnswer, liveAnswer, memberGroup, staticMessage } from './view';
import { AnswerPlayer, MicrophoneButton } from './voice';

// The web chat page: log in, pick who the question is for, ask, watch the answer stream; see
// reminders and the questions asked on the user's other devices. All state lives here; rest.ts
// talks to the api, view.ts builds the DOM, reminders.ts keeps the reminders area.
type Session = { token: string; userId: string; client: AuraWellClient; reminders: Reminders };

/** Chosen on load, not at login: a tab opened from this one must see this one's id as taken. */
const device = deviceId();
let session: Session | null = null;
let conversationId: string | null = null;
let memberId: string | null = null;
let current: Generation | null = null;
/** Answers started on another device that are still running, by message id. */
const remote = new Map<string, RemoteGeneration>();

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
  unread: byId('unread'),
  reminders: byId('reminders'),
  member: byId<HTMLSelectElement>('member'),
  memberNote: byId('member-note'),
  newConv: byId<HTMLButtonElement>('new-conv'),
  conversations: byId<HTMLUListElement>('conversations'),
  messages: byId<HTMLOListElement>('messages'),
  askForm: byId<HTMLFormElement>('ask-form'),
  question: byId<HTMLTextAreaElement>('question'),
  send: byId<HTMLButtonElement>('send'),
  stop: byId<HTMLButtonElement>('stop'),
  mic: byId<HTMLButtonElement>('mic'),
  voiceStatus: byId('voice-status'),
  speak: byId<HTMLInputElement>('speak'),
  playerStatus: byId('player-status'),
};

const conversations = conversationList({
  list: ui.conversations,
  afterDelete: ui.newConv,
  token: () => session?.token ?? null,
  openId: () => conversationId,
  answering: () => current !== null,
  open: (id) => void openConversation(id),
  closeOpen: () => {
    conversationId = null;
    ui.messages.replaceChildren();
  },
});
const refreshConversations = (): Promise<void> => conversations.refresh();

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

/** Another device's question and its streaming answer, in the thread (the question once). */
const showRemote = (r: RemoteGeneration): void => {
  const last = ui.messages.lastElementChild;
  const asked = last?.classList.contains('user') && last.querySelector('.answer')?.textContent === r.message;
  if (r.message !== null && !asked) ui.messages.append(staticMessage('user', r.message, '我（另一台设备）'));
  const view = liveAnswer();
  view.item.dataset.remote = 'true';
  view.item.dataset.messageId = r.generation.messageId ?? '';
  ui.messages.append(view.item);
  scrollDown();
  void followAnswer(view, r.generation, scrollDown);
};

/**
 * A question asked on another device: shown with its answer when it belongs to the conversation
 * open here, or when none is (then it becomes the open one); otherwise only the list changes.
 */
const onRemote = (r: RemoteGeneration): void => {
  const id = r.generation.messageId as string;
  remote.set(id, r);
  void r.generation.ended.then(() => (remote.delete(id), refreshConversations().catch(() => {})));
  if (conversationId === null && current === null) conversationId = r.conversationId;
  if (r.conversationId === conversationId) showRemote(r);
  void refreshConversations().catch(() => {});
};

const openConversation = async (id: string | null): Promise<void> => {
  if (!session || current) return;
  conversationId = id;
  ui.messages.replaceChildren();
  if (id) {
    const messages = await rest.history(session.token, id);
    ui.messages.replaceChildren(...messages.map((m) => staticMessage(m.sender, m.content)));
    for (const r of remote.values()) if (r.conversationId === id) showRemote(r);
    scrollDown();
  }
  await refreshConversations();
};

/**
 * On every (re)connect: what happened while away. Unread reminders are reconciled, the list
 * refreshed, and the open conversation reloaded when it has new turns; running answers from
 * other devices come as `remote_generation`s.
 */
const syncOnOpen = (s: Session): void => {
  let since: string | undefined;
  s.client.on('state', (state) => {
    if (state !== 'open') return;
    const reconnect = since !== undefined;
    void s.client
      .sync(since)
      .then(async (frame) => {
        since = frame.timestamp;
        const changed = frame.conversations.some((c) => c.conversation_id === conversationId && c.turns.length > 0);
        await s.reminders.reconcile(frame.unread_reminders);
        if (reconnect && changed && !current) await openConversation(conversationId);
        else await refreshConversations();
      })
      .catch(() => {});
  });
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
  ui.mic.disabled = busy;
};

const ask = (message: string): void => {
  if (!session || current) return;
  conversationId ??= newConversationId();
  const gen = session.client.healthChat(message, { conversationId, ...(memberId ? { activeMemberId: memberId } : {}), speak: ui.speak.checked });
  showAnswer(message, gen);
};

/** A question (typed, or the transcript of a spoken one) and its answer as it streams, spoken too when asked. */
const showAnswer = (message: string, gen: Generation): void => {
  ui.messages.append(staticMessage('user', message));
  const view = liveAnswer();
  ui.messages.append(view.item);
  scrollDown();
  current = gen;
  setBusy(true);
  if (ui.speak.checked) new AnswerPlayer((text, played) => {
    ui.playerStatus.textContent = text;
    ui.playerStatus.dataset.spoken = String(played);
  }).follow(gen);
  void followAnswer(view, gen, scrollDown).then(async (result) => {
    current = null;
    setBusy(false);
    conversationId = result.done?.conversation_id ?? gen.conversationId ?? conversationId;
    await refreshConversations().catch(() => {});
  });
};

new MicrophoneButton({ button: ui.mic, partial: ui.voiceStatus }, {
  client: () => session?.client ?? null,
  options: () => ({ conversationId: (conversationId ??= newConversationId()), ...(memberId ? { activeMemberId: memberId } : {}), speak: ui.speak.checked }),
  asked: (question, gen) => showAnswer(question, gen),
  busy: () => current !== null,
});

const start = async (token: string, userId: string): Promise<void> => {
  const client = createAuraWellClient({ baseUrl: location.origin, userId, auth: { token }, deviceId: device, backoff: { initialMs: 250, maxMs: 5000 } });
  const reminders = watchReminders(client, token, { list: ui.reminders, badge: ui.unread });
  session = { token, userId, client, reminders };
  watchConnection(client);
  syncOnOpen(session);
  client.on('remote_generation', onRemote);
  ui.loginView.hidden = true;
  ui.chatView.hidden = false;
  ui.logout.hidden = false;
  ui.question.focus();
  await Promise.all([refreshConversations(), loadMembers(session), reminders.reload()]);
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
  session?.reminders.clear();
  session = null;
  remote.clear();
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
