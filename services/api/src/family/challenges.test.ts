import type { ChallengeRow } from './store/challenges';
import type { DayRecord } from './store/metrics';
import { participantProgress } from './challenges';

const empty: Omit<DayRecord, 'day'> = {
  steps: null, calories_burned: null, active_minutes: null, sleep_hours: null, deep_sleep_hours: null, sleep_efficiency: null,
  weight_kg: null, resting_hr: null, max_hr: null, avg_hr: null, calorie_intake: null, protein_grams: null, carb_grams: null,
};
const rec = (day: string, values: Partial<DayRecord>): DayRecord => ({ ...empty, day, ...values });
const challenge = (target_metric: string, target_value: number): ChallengeRow => ({
  id: 'c', family_id: 'f', title: 't', description: 'd', challenge_type: 'activity', target_metric, target_value, duration_days: 4,
  start_date: '2025-03-01', end_date: '2025-03-05', rewards: [], created_by: 'u', created_at: new Date(), participants: ['u'],
});
// Four challenge days (1st–4th); the 5th is the end date and the 28th is before the start.
const records = [
  rec('2025-02-28', { steps: 50000, weight_kg: 81 }),
  rec('2025-03-01', { steps: 9000, sleep_hours: 7, protein_grams: 90, weight_kg: 80 }),
  rec('2025-03-02', { steps: 7000, sleep_hours: 8, protein_grams: 70 }),
  rec('2025-03-04', { steps: 10000, weight_kg: 79.5 }),
  rec('2025-03-05', { steps: 50000 }),
];

describe('participantProgress', () => {
  it.each([
    ['a cumulative metric sums the challenge days', 'steps', 52000, 26000, 50],
    ['an averaged metric averages them', 'sleep_hours', 10, 7.5, 75],
    ['protein is averaged too', 'protein_grams', 80, 80, 100],
    ['daily_<metric> counts the days reaching the target over the duration', 'daily_steps', 8000, 2, 50],
    ['weight_loss measures from the last weight before the start', 'weight_loss', 3, 1.5, 50],
    ['an unknown metric makes no progress', 'mood', 1, 0, 0],
    ['an unknown daily metric makes no progress', 'daily_mood', 1, 0, 0],
  ])('%s', (_case, metric, target, value, progress) => {
    expect(participantProgress(challenge(metric, target), records, null)).toEqual({ value, progress });
  });

  it('caps progress at 100 and uses an earlier weight when the records start inside the challenge', () => {
    expect(participantProgress(challenge('steps', 100), records, null).progress).toBe(100);
    expect(participantProgress(challenge('weight_loss', 1), records.slice(1), 82)).toEqual({ value: 2.5, progress: 100 });
  });
});
