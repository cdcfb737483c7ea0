import { loadHealthSnapshot, type Queryable, type Reminder } from '@aurawell/db';
import type { Logger } from '@aurawell/platform';
import type { LlmStream } from './llm';
import { describeHealth } from './prompt';

export const REMINDER_SYSTEM_PROMPT = [
  '你是 AuraWell 健康助手。请把下面这条健康提醒改写成一句亲切、具体、简短的中文提醒（不超过 80 个字），',
  '可以结合用户最近的健康数据给出鼓励，但不要编造数据，不要做医学诊断，只输出提醒本身。',
].join('');

/** Longest phrasing accepted from the model; anything longer falls back to the plain text. */
const MAX_SMART_CHARS = 300;

export type ReminderText = { text: string; smart: boolean };

export type ReminderTextDeps = { db: Queryable; llm: LlmStream; logger: Logger; timeoutMs: number; onFallback?: () => void };

/** The model's answer, complete (a `finish_reason`), within the deadline; otherwise an error. */
const askModel = async (r: Reminder, deps: ReminderTextDeps): Promise<string> => {
  const health = await loadHealthSnapshot(deps.db, r.userId);
  const summary = describeHealth(health, null);
  const messages = [
    { role: 'system' as const, content: REMINDER_SYSTEM_PROMPT },
    ...(summary ? [{ role: 'system' as const, content: summary }] : []),
    { role: 'user' as const, content: `提醒标题：${r.title}\n提醒内容：${r.message}` },
  ];
  let text = '';
  let finished = false;
  for await (const piece of deps.llm(messages, AbortSignal.timeout(deps.timeoutMs), { maxTokens: 200 })) {
    if (piece.kind === 'content') text += piece.text;
    if (piece.kind === 'finish') finished = piece.reason === 'stop';
  }
  if (!finished) throw new Error('the model did not finish its answer');
  return text.trim();
};

/**
 * The text of one occurrence: the reminder's own, or (smart reminders) the model's phrasing from
 * the person's recent data. Any provider failure, timeout or unusable answer gives the plain text.
 */
export const reminderText = async (r: Reminder, deps: ReminderTextDeps): Promise<ReminderText> => {
  if (!r.smart) return { text: r.message, smart: false };
  try {
    const text = await askModel(r, deps);
    if (text.length > 0 && [...text].length <= MAX_SMART_CHARS) return { text, smart: true };
    deps.logger.warn({ reminderId: r.id, chars: [...text].length }, 'smart reminder text unusable; plain text sent');
  } catch (err) {
    deps.logger.warn({ reminderId: r.id, err }, 'smart reminder text failed; plain text sent');
  }
  deps.onFallback?.();
  return { text: r.message, smart: false };
};
