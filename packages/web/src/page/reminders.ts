/// <reference lib="dom" />
import type { AuraWellClient } from '@aurawell/client';
import * as rest from './rest';
import { reminderCard, type ReminderView } from './view';

export type Reminders = {
  /** Shows the unread deliveries the api lists (and drops shown ones it no longer lists). */
  reload(): Promise<void>;
  /** After a `sync`: reloads when its unread count differs from what is shown. */
  reconcile(unread: number): Promise<void>;
  clear(): void;
};

/**
 * The reminders area: a card per unread reminder, newest first, from the api on start and from
 * `reminder` frames as they come; 知道了 acknowledges (over the WebSocket, else REST) and
 * `reminders_read` from any device hides them. `badge` shows the unread count.
 */
export const watchReminders = (client: AuraWellClient, token: string, ui: { list: HTMLElement; badge: HTMLElement }): Reminders => {
  const shown = new Map<string, HTMLElement>();
  const showCount = (): void => {
    ui.badge.hidden = shown.size === 0;
    ui.badge.textContent = `未读提醒 ${shown.size} 条`;
  };
  const hide = (ids: readonly string[]): void => {
    for (const id of ids) shown.get(id)?.remove();
    for (const id of ids) shown.delete(id);
    showCount();
  };
  const acknowledge = async (id: string, button: HTMLButtonElement): Promise<void> => {
    button.disabled = true;
    try {
      await client.acknowledge([id]).catch(() => rest.acknowledgeReminders(token, [id]));
      hide([id]);
    } catch {
      button.disabled = false;
    }
  };
  const show = (r: ReminderView): void => {
    if (shown.has(r.id)) return;
    const card = reminderCard(r, (button) => void acknowledge(r.id, button));
    shown.set(r.id, card);
    ui.list.prepend(card);
    showCount();
  };
  const reload = async (): Promise<void> => {
    const before = [...shown.keys()];
    const unread = await rest.unreadReminders(token);
    const listed = new Set(unread.map((d) => d.id));
    hide(before.filter((id) => !listed.has(id)));
    for (const d of [...unread].reverse()) show(d);
  };
  client.on('reminder', (f) => show({ id: f.delivery_id, title: f.title, message: f.message, due_at: f.due_at }));
  client.on('reminders_read', (f) => hide(f.delivery_ids));
  return {
    reload,
    reconcile: (unread) => (unread === shown.size ? Promise.resolve() : reload()),
    clear: () => hide([...shown.keys()]),
  };
};
