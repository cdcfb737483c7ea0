// No DOM here: the unit tests run it in Node.

const dayOf = (d: Date): string => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
const clock = (d: Date): string => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/**
 * When each conversation last changed, as the list shows it, in the browser's time zone:
 * 今天 14:05, 昨天 09:30, 11月3日, 2025年12月30日 — with the time also on other days when
 * another conversation of the list falls on the same day, so that no two look alike.
 */
export const whenLabels = (times: readonly Date[], now: Date): string[] => {
  const perDay = new Map<string, number>();
  for (const t of times) perDay.set(dayOf(t), (perDay.get(dayOf(t)) ?? 0) + 1);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  return times.map((t) => {
    if (dayOf(t) === dayOf(now)) return `今天 ${clock(t)}`;
    if (dayOf(t) === dayOf(yesterday)) return `昨天 ${clock(t)}`;
    const date = `${t.getFullYear() === now.getFullYear() ? '' : `${t.getFullYear()}年`}${t.getMonth() + 1}月${t.getDate()}日`;
    return (perDay.get(dayOf(t)) ?? 0) > 1 ? `${date} ${clock(t)}` : date;
  });
};

const TITLE_CHARS = 30;

/**
 * A conversation's name in the list: its title (the first question, or what the user renamed it
 * to); for one stored before titles, its last message on one line, cut as the server cuts titles.
 */
export const displayTitle = (c: { title: string | null; last_message: string | null }): string => {
  if (c.title) return c.title;
  const line = (c.last_message ?? '').replace(/\s+/g, ' ').trim();
  if (!line) return '新对话';
  const chars = [...line];
  return chars.length <= TITLE_CHARS ? line : `${chars.slice(0, TITLE_CHARS).join('')}…`;
};
