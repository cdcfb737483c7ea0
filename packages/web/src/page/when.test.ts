import { displayTitle, whenLabels } from './when';

// Local dates (the browser's time zone), so the test means the same in any TZ.
const now = new Date(2026, 10, 24, 15, 0);
const at = (month: number, day: number, h: number, m: number, year = 2026) => new Date(year, month - 1, day, h, m);

test('today and yesterday with the time; other days by date, with the time only where the date alone would repeat', () => {
  expect(whenLabels([at(11, 24, 9, 5), at(11, 23, 21, 40), at(11, 3, 8, 0), at(10, 30, 7, 15), at(10, 30, 19, 2), at(12, 30, 10, 0, 2025)], now)).toEqual([
    '今天 09:05',
    '昨天 21:40',
    '11月3日',
    '10月30日 07:15',
    '10月30日 19:02',
    '2025年12月30日',
  ]);
});

test('yesterday across a month and a year boundary', () => {
  expect(whenLabels([at(12, 31, 23, 59, 2025)], at(1, 1, 0, 10))).toEqual(['昨天 23:59']);
});

test('the title; else the last message on one line, cut at 30 characters; else 新对话', () => {
  expect(displayTitle({ title: '睡眠问题', last_message: '别的' })).toBe('睡眠问题');
  expect(displayTitle({ title: null, last_message: '  多喝水\n\n少熬夜  ' })).toBe('多喝水 少熬夜');
  expect(displayTitle({ title: null, last_message: `${'好'.repeat(29)}😴后面的` })).toBe(`${'好'.repeat(29)}😴…`);
  expect(displayTitle({ title: null, last_message: null })).toBe('新对话');
  expect(displayTitle({ title: '', last_message: ' ' })).toBe('新对话');
});
