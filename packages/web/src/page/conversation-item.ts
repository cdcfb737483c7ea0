/// <reference lib="dom" />
import { MAX_TITLE_CHARS } from '@aurawell/protocol/plain';
import { el } from './view';

export type ConversationEntry = {
  id: string;
  title: string;
  /** When it last changed, as the list shows it (see when.ts). */
  when: string;
  updatedAt: string;
  current: boolean;
};

export type ConversationActions = {
  open(): void;
  /** Resolves once the api has the new title; rejects with what to tell the user. */
  rename(title: string): Promise<void>;
  remove(): void;
};

const button = (text: string, className: string, label?: string): HTMLButtonElement => {
  const b = el('button', className, text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  return b;
};

/** The inline rename form: Enter saves, Escape (or 取消) puts the entry back as it was. */
const renameForm = (c: ConversationEntry, actions: ConversationActions, restore: () => void): HTMLFormElement => {
  const form = el('form', 'rename');
  const input = el('input');
  input.value = c.title;
  input.maxLength = MAX_TITLE_CHARS;
  input.required = true;
  input.setAttribute('aria-label', `「${c.title}」的新标题`);
  const error = el('p', 'error');
  error.setAttribute('role', 'alert');
  const save = el('button', undefined, '保存');
  save.type = 'submit';
  const cancel = button('取消', 'secondary');
  cancel.addEventListener('click', restore);
  form.addEventListener('keydown', (ev) => ev.key === 'Escape' && (ev.preventDefault(), restore()));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const title = input.value.trim();
    if (!title) return void (error.textContent = '标题不能为空');
    save.disabled = true;
    actions.rename(title).catch((err: unknown) => {
      save.disabled = false;
      error.textContent = err instanceof Error ? err.message : String(err);
    });
  });
  const buttons = el('div', 'rename-actions');
  buttons.append(save, cancel);
  form.append(input, buttons, error);
  queueMicrotask(() => (input.focus(), input.select()));
  return form;
};

/**
 * One conversation of the side list: a button that opens it (named by its title and when it last
 * changed, so two conversations never read alike), and 改名 / 删除 buttons named after it.
 */
export const conversationItem = (c: ConversationEntry, actions: ConversationActions): HTMLLIElement => {
  const li = el('li', 'conv');
  li.dataset.conversationId = c.id;
  const openButton = el('button', 'conv-open');
  openButton.type = 'button';
  openButton.title = c.title;
  openButton.setAttribute('aria-current', String(c.current));
  const time = el('time', 'conv-when', c.when);
  time.dateTime = c.updatedAt;
  openButton.append(el('span', 'conv-title', c.title), time);
  openButton.addEventListener('click', actions.open);
  const renameButton = button('改名', 'link conv-action', `改名：${c.title}`);
  const deleteButton = button('删除', 'link conv-action', `删除：${c.title}`);
  const show = (): void => {
    li.classList.remove('editing');
    const more = el('span', 'conv-actions');
    more.append(renameButton, deleteButton);
    li.replaceChildren(openButton, more);
  };
  renameButton.addEventListener('click', () => {
    li.classList.add('editing');
    li.replaceChildren(
      renameForm(c, actions, () => {
        show();
        renameButton.focus();
      }),
    );
  });
  deleteButton.addEventListener('click', actions.remove);
  show();
  return li;
};
