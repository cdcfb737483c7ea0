/// <reference lib="dom" />
import { conversationItem } from './conversation-item';
import * as rest from './rest';
import { displayTitle, whenLabels } from './when';

export type ConversationListDeps = {
  list: HTMLUListElement;
  /** Where the focus goes after a delete. */
  afterDelete: HTMLElement;
  /** The session's token; null once logged out. */
  token(): string | null;
  /** The conversation open in the thread. */
  openId(): string | null;
  /** An answer of this page is being written (into the open conversation). */
  answering(): boolean;
  open(id: string): void;
  /** The open conversation was deleted. */
  closeOpen(): void;
};

/**
 * The side list of conversations: each named by its title and when it last changed, with 改名
 * (inline) and 删除 (after a confirm). `refresh` reloads it from the api.
 */
export const conversationList = (deps: ConversationListDeps): { refresh(focus?: string): Promise<void> } => {
  /** `focus`: the conversation whose open button gets the focus (after a rename). */
  const refresh = async (focus?: string): Promise<void> => {
    const token = deps.token();
    if (!token) return;
    const list = await rest.conversations(token);
    const when = whenLabels(list.map((c) => new Date(c.updated_at)), new Date());
    // A rename being typed is kept through refreshes (another device's answer ends meanwhile).
    const editing = deps.list.querySelector<HTMLLIElement>('li.editing');
    deps.list.replaceChildren(
      ...list.map((c, i) => {
        if (editing?.dataset.conversationId === c.id) return editing;
        const entry = { id: c.id, title: displayTitle(c), when: when[i] ?? '', updatedAt: c.updated_at, current: c.id === deps.openId() };
        return conversationItem(entry, { open: () => deps.open(c.id), rename: (title) => rename(token, c.id, title), remove: () => void remove(token, c.id, entry.title) });
      }),
    );
    if (focus) deps.list.querySelector<HTMLButtonElement>(`li[data-conversation-id="${CSS.escape(focus)}"] .conv-open`)?.focus();
  };

  const rename = async (token: string, id: string, title: string): Promise<void> => {
    try {
      await rest.renameConversation(token, id, title);
    } catch (err) {
      throw new Error(err instanceof rest.ApiError && err.status === 404 ? '这个对话已不存在' : '改名没有成功，请再试一次');
    }
    // The form is done with: the refreshed list replaces it.
    deps.list.querySelector('li.editing')?.classList.remove('editing');
    await refresh(id);
  };

  const remove = async (token: string, id: string, title: string): Promise<void> => {
    const open = id === deps.openId();
    if (open && deps.answering()) return alert('回答还在进行，结束后才能删除这个对话');
    if (!confirm(`删除对话「${title}」？删除后无法恢复。`)) return;
    try {
      await rest.deleteConversation(token, id);
    } catch (err) {
      // Not found: deleted already (on another device), which is what the user wants.
      if (!(err instanceof rest.ApiError && err.status === 404)) return alert('删除没有成功，请再试一次');
    }
    if (open) deps.closeOpen();
    await refresh();
    deps.afterDelete.focus();
  };

  return { refresh };
};
