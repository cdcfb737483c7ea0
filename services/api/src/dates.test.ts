import { addDays, compactStamp, daysBetween, daysFrom, firstOfMonth, mondayOf, parseIsoDay } from './dates';

describe('family date helpers', () => {
  it.each([['2025-02-28', '2025-02-28'], ['2024-02-29', '2024-02-29'], ['2025-02-29', null], ['2025-13-01', null], ['2025-3-1', null], ['x', null]])(
    'parseIsoDay(%s) = %s',
    (text, expected) => expect(parseIsoDay(text)).toBe(expected),
  );

  it('shifts and measures across months and years', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(daysBetween('2025-01-30', '2025-03-01')).toBe(30);
    expect(daysFrom('2025-02-27', '2025-03-01')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
  });

  it('finds the Monday of the week and the first of the month', () => {
    expect(mondayOf('2025-03-09')).toBe('2025-03-03'); // a Sunday
    expect(mondayOf('2025-03-03')).toBe('2025-03-03');
    expect(mondayOf('2025-01-01')).toBe('2024-12-30');
    expect(firstOfMonth('2025-03-31')).toBe('2025-03-01');
  });

  it('stamps ids as YYYYMMDD_HHMMSS in UTC', () => {
    expect(compactStamp(new Date('2025-03-09T07:05:09.123Z'))).toBe('20250309_070509');
  });
});
