import request from 'supertest';
import { authFor, createFamilyWith, createUser, expectHttpError, insertDay, successData } from './testing';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { databaseToday } from '../health/store';
import { addDays } from '../dates';

const env = useTestEnv();
const api = useTestApp(env);
let owner: Record<string, string>;
let viewer: Record<string, string>;
const FAMILY = 'a0000000-0000-4000-8000-00000000000a';
const PATH = `/api/v1/family/${FAMILY}/report`;
const PERIOD = { start_date: '2025-03-08', end_date: '2025-03-14' };
const day = (n: number) => `2025-03-${String(n).padStart(2, '0')}`;
const MEMBER_STEPS = [9000, 11000, 9000, 11000, 9000, 11000, 10000];

/**
 * r_owner: 4,000 steps and 6 h of 80 % sleep a day (2,000 steps the week before), weight 80 → 77.5 kg.
 * r_viewer: about 10,000 steps and 8 h of 90 % sleep, meals and heart rate, no weight.
 */
const seedRecords = async () => {
  for (let d = 1; d <= 7; d += 1) {
    await insertDay(env.pool, 'r_owner', day(d), { steps: 2000, calories: 100, sleepHours: 6, deepHours: 1.2, efficiency: 80, ...(d === 7 ? { weight: 80 } : {}) });
    await insertDay(env.pool, 'r_viewer', day(d), { steps: 10000, calories: 500 });
  }
  for (let d = 8; d <= 14; d += 1) {
    const weight = d === 8 ? { weight: 79.5 } : d === 14 ? { weight: 77.5 } : {};
    await insertDay(env.pool, 'r_owner', day(d), { steps: 4000, calories: 200, activeMinutes: 30, sleepHours: 6, deepHours: 1.2, efficiency: 80, ...weight });
    const meals = d <= 9 ? { restingHr: 60, maxHr: 165 + (d - 8) * 5, avgHr: 75 } : {};
    await insertDay(env.pool, 'r_viewer', day(d), {
      steps: MEMBER_STEPS[d - 8], calories: 500, activeMinutes: 60, sleepHours: 8, deepHours: 2, efficiency: 90,
      calorieIntake: 2000, protein: 80, carbs: 250, ...meals,
    });
  }
};

beforeAll(async () => {
  await createUser(env.pool, 'r_owner', { heightCm: 180 });
  await createUser(env.pool, 'r_viewer');
  await createFamilyWith(env.pool, FAMILY, 'r_owner', [['r_viewer', 'viewer']]);
  await seedRecords();
  owner = await authFor(api, 'r_owner');
  viewer = await authFor(api, 'r_viewer');
});

const report = async (as: Record<string, string>, query: Record<string, string>) =>
  successData(await request(api.app).get(PATH).query(query).set(as), 'Family health report generated successfully') as Record<string, any>;

describe('GET /api/v1/family/{family_id}/report (route 45)', () => {
  it('aggregates the stored records of the period, per member and for the family', async () => {
    const data = await report(viewer, { members: 'r_owner, r_viewer,,', ...PERIOD });
    expect(data.report_id).toMatch(/^report_\d{8}_\d{6}$/);
    expect(data.generation_time).toMatch(ISO_UTC);
    expect(data.period).toEqual({ start_date: '2025-03-08', end_date: '2025-03-14', duration_days: 7 });
    expect(data.members).toEqual(['r_owner', 'r_viewer']);
    expect(data.member_count).toBe(2);
    expect(data.metadata).toEqual({ generated_by: 'r_viewer', version: '3.0.0' });
    expect(data.aggregated_data).toEqual({
      activity: {
        total_steps: 98000, avg_daily_steps: 7000, total_calories_burned: 4900, avg_daily_calories: 350, active_days: 7,
        by_member: { r_owner: { steps: 28000, calories: 1400, active_minutes: 210 }, r_viewer: { steps: 70000, calories: 3500, active_minutes: 420 } },
      },
      sleep: {
        avg_sleep_hours: 7, total_sleep_sessions: 14, avg_sleep_quality: 85,
        by_member: { r_owner: { avg_duration: 6, avg_quality: 80, deep_sleep_percentage: 20 }, r_viewer: { avg_duration: 8, avg_quality: 90, deep_sleep_percentage: 25 } },
      },
      weight: {
        avg_weight_change: -2.5, members_losing_weight: 1, members_gaining_weight: 0,
        by_member: { r_owner: { weight_change: -2.5, bmi_change: -0.77 }, r_viewer: { weight_change: null, bmi_change: null } },
      },
      nutrition: {
        avg_calorie_intake: 2000, avg_protein_intake: 80, avg_carb_intake: 250,
        by_member: { r_owner: { daily_calories: null, protein_grams: null, carb_grams: null }, r_viewer: { daily_calories: 2000, protein_grams: 80, carb_grams: 250 } },
      },
      heart_rate: {
        avg_resting_hr: 60, avg_max_hr: 170,
        by_member: { r_owner: { resting_hr: null, max_hr: null, avg_hr: null }, r_viewer: { resting_hr: 60, max_hr: 170, avg_hr: 75 } },
      },
    });
  });

  it('compares with the previous period of equal length', async () => {
    const { trends } = await report(owner, { members: 'r_owner,r_viewer', ...PERIOD });
    expect(trends).toEqual({
      activity_trends: { steps_trend: 'increasing', steps_change_percent: 16.7, calories_trend: 'increasing', calories_change_percent: 16.7 },
      sleep_trends: { duration_trend: 'increasing', duration_change_hours: 1, quality_trend: 'improving', quality_change_percent: 6.3 },
      weight_trends: { weight_trend: 'decreasing', avg_weekly_change: -2.5, family_progress: 'improving' },
      overall_health_score: { current_score: 79.8, previous_score: 47.3, improvement_percent: 68.7, trend_direction: 'improving' },
    });
  });

  it('raises the contract alerts and derives the summary from them', async () => {
    const { alerts, summary } = await report(owner, { members: 'r_owner,r_viewer', ...PERIOD });
    expect(alerts).toEqual([
      { alert_type: 'low_activity', severity: 'medium', member_id: 'r_owner', message: 'Average daily steps (4000) are below 5000', recommendation: expect.any(String) },
      { alert_type: 'insufficient_sleep', severity: 'high', member_id: 'r_owner', message: 'Average sleep (6 h) is below 6.5 hours', recommendation: expect.any(String) },
      { alert_type: 'significant_weight_change', severity: 'medium', member_id: 'r_owner', message: 'Weight changed by -2.5 kg over the period', recommendation: expect.any(String) },
    ]);
    expect(summary.top_performers).toEqual({ most_active: 'r_viewer', best_sleeper: 'r_viewer', most_consistent: 'r_owner' });
    expect(summary.family_achievements).toEqual(['The family walked 98,000 steps together', 'r_viewer averaged over 10,000 steps a day', 'The family averaged at least 7 hours of sleep a night']);
    expect(summary.key_insights).toContain('Average daily steps rose by 16.7% compared with the previous period');
    expect(summary.next_week_focus).toHaveLength(3);
  });

  it('marks a weight change over 3 kg as high severity', async () => {
    await insertDay(env.pool, 'r_owner', '2025-03-15', { weight: 76.5 });
    const { alerts } = await report(owner, { members: 'r_owner', start_date: '2025-03-08', end_date: '2025-03-15' });
    expect(alerts.find((a: { alert_type: string }) => a.alert_type === 'significant_weight_change')).toMatchObject({ severity: 'high', message: 'Weight changed by -3.5 kg over the period' });
    await env.pool.query(`DELETE FROM daily_health_metrics WHERE user_id = 'r_owner' AND day = '2025-03-15'`);
  });

  it('answers nulls and stable trends for a period without records', async () => {
    const data = await report(owner, { members: 'r_viewer', start_date: '2020-01-01', end_date: '2020-01-01' });
    expect(data.aggregated_data.activity).toEqual({ total_steps: 0, avg_daily_steps: null, total_calories_burned: 0, avg_daily_calories: null, active_days: 0, by_member: { r_viewer: { steps: 0, calories: 0, active_minutes: 0 } } });
    expect(data.trends.overall_health_score).toEqual({ current_score: null, previous_score: null, improvement_percent: null, trend_direction: 'stable' });
    expect(data.alerts).toEqual([]);
    expect(data.summary).toEqual({
      top_performers: { most_active: null, best_sleeper: null, most_consistent: null },
      family_achievements: [], key_insights: ['No activity or sleep records in this period'], next_week_focus: ['Keep up the current healthy habits'],
    });
  });

  it('reports on the seeded demo family', async () => {
    const today = await databaseToday(env.pool);
    const start = addDays(today, -6);
    const demo = successData(
      await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}/report`).query({ members: 'user_001,user_002', start_date: start, end_date: today }).set(await authFor(api, 'user_001')),
      'Family health report generated successfully',
    ) as Record<string, any>;
    expect(demo.aggregated_data.activity.by_member.user_001.steps).toBeGreaterThan(7 * 3000);
    expect(demo.aggregated_data.weight.by_member.user_001.weight_change).toBeLessThan(0);
    expect(demo.aggregated_data.heart_rate.avg_resting_hr).toEqual(expect.any(Number));
    expect(demo.trends.overall_health_score.previous_score).toEqual(expect.any(Number));
  });

  it.each([
    ['no member ids', { members: ' , ,', ...PERIOD }, 'At least one member ID required'],
    ['more than ten ids', { members: Array.from({ length: 11 }, (_, i) => `m${i}`).join(','), ...PERIOD }, 'At most 10 member IDs allowed'],
    ['a malformed date', { members: 'r_owner', start_date: '2025/03/08', end_date: '2025-03-14' }, 'Invalid date format, expected YYYY-MM-DD'],
    ['an impossible date', { members: 'r_owner', start_date: '2025-02-30', end_date: '2025-03-14' }, 'Invalid date format, expected YYYY-MM-DD'],
    ['a start after the end', { members: 'r_owner', start_date: '2025-03-15', end_date: '2025-03-14' }, 'start_date must not be after end_date'],
    ['a period over 366 days', { members: 'r_owner', start_date: '2023-01-01', end_date: '2025-03-14' }, 'The report period must not exceed 366 days'],
    ['an id outside the family', { members: 'r_owner,user_001', ...PERIOD }, 'Member user_001 is not in this family'],
  ])('answers 400 for %s', async (_case, query, message) => {
    expectHttpError(await request(api.app).get(PATH).query(query).set(owner), 400, message, PATH);
  });

  it('answers 403 to a non-member before looking at the parameters', async () => {
    const stranger = await authFor(api, 'user_001');
    expectHttpError(await request(api.app).get(PATH).query({ members: ',', ...PERIOD }).set(stranger), 403, 'You are not a member of this family', PATH);
  });

  it.each(['members', 'start_date', 'end_date'])('answers 422 when %s is missing', async (name) => {
    const query: Record<string, string> = { members: 'r_owner', ...PERIOD };
    delete query[name];
    const res = await request(api.app).get(PATH).query(query).set(owner);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ type: 'missing', loc: ['query', name], msg: 'Field required', input: query }] });
  });

  it('needs authentication', async () => {
    expectHttpError(await request(api.app).get(PATH).query({ members: 'r_owner', ...PERIOD }), 403, 'Not authenticated', PATH);
    expectHttpError(await request(api.app).get(PATH).set('Authorization', 'Bearer bad').query({ members: 'r_owner', ...PERIOD }), 401, 'Could not validate credentials', PATH);
  });
});
