import { dailyProgressOf, moduleProgressOf, planProgressAfter, progressReport } from './progress';
import type { ProgressRecord } from './store';

const rec = (module_type: string | null, progress: number, plan_progress: number, record_date = '2025-03-01', recorded_at = `${record_date}T10:00:00.000Z`): ProgressRecord =>
  ({ module_type, progress, plan_progress, record_date, recorded_at });

describe('moduleProgressOf', () => {
  it('takes each module\'s latest update; a whole-plan update counts for every module', () => {
    const records = [rec('diet', 30, 10), rec(null, 50, 50), rec('sleep', 80, 65)];
    expect(moduleProgressOf(['diet', 'sleep', 'mental'], records)).toEqual({ diet: 50, sleep: 80, mental: 50 });
  });

  it('is 0 for a module before any update', () => {
    expect(moduleProgressOf(['diet'], [rec('sleep', 90, 90)])).toEqual({ diet: 0 });
  });
});

describe('planProgressAfter', () => {
  it('is the value of a whole-plan update', () => {
    expect(planProgressAfter(['diet', 'sleep'], [rec('diet', 90, 45), rec(null, 20, 0)])).toBe(20);
  });

  it('is the mean of the modules after a module update, to two decimals', () => {
    expect(planProgressAfter(['diet', 'sleep', 'mental'], [rec('diet', 10, 0)])).toBe(3.33);
    expect(planProgressAfter(['diet', 'sleep'], [rec(null, 40, 40), rec('diet', 70, 0)])).toBe(55);
  });

  it('is the update itself for a plan without modules, and 0 without updates', () => {
    expect(planProgressAfter([], [rec(null, 35, 0)])).toBe(35);
    expect(planProgressAfter(['diet'], [])).toBe(0);
  });
});

describe('dailyProgressOf', () => {
  it("gives each day's last plan progress, oldest day first", () => {
    const records = [rec('diet', 1, 10, '2025-03-02'), rec('diet', 1, 5, '2025-03-01'), rec('diet', 1, 20, '2025-03-02')];
    expect(dailyProgressOf(records)).toEqual([{ date: '2025-03-01', progress: 5 }, { date: '2025-03-02', progress: 20 }]);
  });
});

describe('progressReport', () => {
  it('counts one task per module per day and completes the overall share of them', () => {
    const plan = { plan_id: 'p', progress: 33.3, duration_days: 10, module_types: ['diet', 'sleep', 'mental'], updated_at: '2025-03-01T00:00:00.000Z' };
    const records = [rec(null, 33.3, 33.3, '2025-03-04', '2025-03-04T09:30:00.000Z')];
    expect(progressReport(plan, records)).toEqual({
      plan_id: 'p', overall_progress: 33.3, module_progress: { diet: 33.3, sleep: 33.3, mental: 33.3 },
      daily_progress: [{ date: '2025-03-04', progress: 33.3 }], total_tasks: 30, completed_tasks: 10, last_updated: '2025-03-04T09:30:00.000Z',
    });
  });

  it('falls back to the plan\'s updated_at and has no tasks without modules', () => {
    const plan = { plan_id: 'p', progress: 0, duration_days: 30, module_types: [], updated_at: '2025-03-01T00:00:00.000Z' };
    expect(progressReport(plan, [])).toMatchObject({ total_tasks: 0, completed_tasks: 0, last_updated: '2025-03-01T00:00:00.000Z', module_progress: {} });
  });
});
