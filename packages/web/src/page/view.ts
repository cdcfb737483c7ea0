/// <reference lib="dom" />
import type { ConnectionState, Generation, GenerationResult, GenerationState } from '@aurawell/client';
import { liveMarkdown, showMarkdown } from './markdown';

export const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: '连接中…',
  open: '已连接',
  reconnecting: '重新连接中…',
  fallback: '备用通道（SSE）',
  closed: '已断开',
};

export const STATUS_LABEL: Record<GenerationState, string> = {
  sending: '发送中',
  streaming: '回答中',
  done: '完成',
  error: '出错',
  cancelled: '已取消',
};

export const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Where an answer's Markdown is rendered. */
const answerBody = (): HTMLDivElement => el('div', 'answer md');

/**
 * A finished turn; `who` overrides the sender's label. A question is shown as typed, an answer
 * as the Markdown the model writes.
 */
export const staticMessage = (sender: 'user' | 'agent', text: string, who?: string): HTMLLIElement => {
  const li = el('li', `msg ${sender === 'user' ? 'user' : 'assistant'}`);
  const body = sender === 'user' ? el('p', 'answer', text) : answerBody();
  if (sender === 'agent') showMarkdown(body, text);
  li.append(el('div', 'who', who ?? (sender === 'user' ? '我' : 'AuraWell')), body);
  return li;
};

/** The parts of a streaming answer that change. */
export type LiveAnswer = { item: HTMLLIElement; text: HTMLDivElement; setStatus(s: GenerationState): void; setReasoning(r: string): void; setFailure(m: string): void };

export const liveAnswer = (): LiveAnswer => {
  const item = el('li', 'msg assistant');
  item.dataset.live = 'true';
  const who = el('div', 'who', 'AuraWell');
  const status = el('span', 'status');
  who.append(status);
  const details = el('details', 'reasoning');
  details.hidden = true;
  const reasoning = el('pre'); // plain text: the model's thinking is not formatted
  details.append(el('summary', undefined, '思考过程'), reasoning);
  const text = answerBody();
  const failure = el('p', 'failure');
  failure.hidden = true;
  item.append(who, details, text, failure);
  const setStatus = (s: GenerationState): void => {
    item.dataset.status = s;
    status.textContent = STATUS_LABEL[s];
    item.setAttribute('aria-busy', String(s === 'sending' || s === 'streaming'));
  };
  setStatus('sending');
  return {
    item,
    text,
    setStatus,
    setReasoning: (r) => {
      details.hidden = r === '';
      reasoning.textContent = r;
    },
    setFailure: (m) => {
      failure.hidden = false;
      failure.textContent = m;
    },
  };
};

/**
 * Shows a generation in a live answer from where it is now until it ends; `onText` after each
 * change. The answer is rendered from its whole text so far, once per frame; the item is
 * aria-busy meanwhile, so a screen reader reads it when it is complete, not token by token.
 */
export const followAnswer = (view: LiveAnswer, gen: Generation, onText: () => void): Promise<GenerationResult> => {
  const text = liveMarkdown(view.text, onText);
  view.setStatus(gen.state);
  view.setReasoning(gen.reasoning);
  text.update(gen.text);
  gen.on('status', (s) => view.setStatus(s));
  gen.on('text', (t) => text.update(t));
  gen.on('reasoning', (r) => view.setReasoning(r));
  return gen.ended.then((result) => {
    if (gen.messageId) view.item.dataset.messageId = gen.messageId;
    // The final text before aria-busy goes: it is what gets announced.
    text.finish(result.text);
    view.setStatus(result.state);
    if (result.error) view.setFailure(`${result.error.code}：${result.error.message}`);
    return result;
  });
};

/** The fields of a reminder delivery the page shows. */
export type ReminderView = { id: string; title: string; message: string; due_at: string };

const clock = (iso: string): string => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });

/** One reminder, with its 知道了 button (named with the title, for screen readers). */
export const reminderCard = (r: ReminderView, onAcknowledge: (button: HTMLButtonElement) => void): HTMLElement => {
  const card = el('article', 'reminder');
  card.dataset.deliveryId = r.id;
  const head = el('p', 'r-head');
  const time = el('time', 'r-time', clock(r.due_at));
  time.dateTime = r.due_at;
  head.append(el('strong', undefined, `⏰ ${r.title}`), time);
  const button = el('button', 'secondary', '知道了');
  button.type = 'button';
  button.setAttribute('aria-label', `知道了：${r.title}`);
  button.addEventListener('click', () => onAcknowledge(button));
  card.append(head, el('p', 'r-msg', r.message), button);
  return card;
};

export const memberGroup = (label: string, options: { value: string; text: string }[]): HTMLOptGroupElement => {
  const group = el('optgroup');
  group.label = label;
  for (const o of options) {
    const option = el('option', undefined, o.text);
    option.value = o.value;
    group.append(option);
  }
  return group;
};
