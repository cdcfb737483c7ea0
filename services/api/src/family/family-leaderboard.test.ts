import request from 'supertest';
import { addDays, firstOfMonth, mondayOf } from '../dates';
import { authFor, createFamilyWith, createUser, expectHttpError, insertDay, successData, type DayValues } from './testing';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { databaseToday } from '../health/store';

const env = useTestEnv();
const api = useTestApp(env);
let member: Record<string, string>;
let today: string;
const FAMILY = 'b0000000-0000-4000-8000-00000000000b';
const PATH = `/api/v1/family/${FAMILY}/leaderboard`;

/** Day offsets from today → values, per user. */
const RECORDS: Record<string, Record<number, DayValues>> = {
  l_a: {
    0: { steps: 12000, activeMinutes: 30, efficiency: 90, sleepHours: 7, weight: 79.2 },
    1: { steps: 10000, calories: 450, weight: 80 },
    2: { steps: 9000, calories: 500 },
    3: { steps: 8000 }, 4: { steps: 8500 }, 5: { steps: 9000 }, 6: { steps: 8100 }, 7: { steps: 8800 },
  },
  l_b: {
    0: { steps: 6000, activeMinutes: 90, efficiency: 80, sleepHours: 7, weight: 60.5 },
    1: { steps: 8000, weight: 60 },
  },
};

beforeAll(async () => {
  today = await databaseToday(env.pool);
  for (const id of ['l_a', 'l_b', 'l_c']) await createUser(env.pool, id, { displayName: id.toUpperCase() });
  await createFamilyWith(env.pool, FAMILY, 'l_a', [['l_b', 'manager'], ['l_c', 'viewer']]);
  await env.pool.query(`UPDATE family_members SET joined_at = now() - interval '30 days' WHERE user_id IN ('l_a', 'l_b')`);
  for (const [userId, days] of Object.entries(RECORDS)) {
    for (const [offset, values] of Object.entries(days)) await insertDay(env.pool, userId, addDays(today, -Number(offset)), values);
  }
  member = await authFor(api, 'l_c');
});

const board = async (metric: string, period: string) =>
  successData(await request(api.app).get(PATH).query({ metric, period }).set(member), 'Leaderboard retrieved successfully') as Record<string, any>;

describe('GET /api/v1/family/{family_id}/leaderboard (route 46)', () => {
  it('ranks daily steps with percentages, changes, streaks, badges and statistics', async () => {
    const data = await board('steps', 'daily');
    expect(data).toEqual({
      leaderboard_id: `lb_steps_daily_${today.replace(/-/g, '')}`, metric: 'steps', period: 'daily', family_id: FAMILY,
      generated_at: expect.stringMatching(ISO_UTC),
      rankings: [
        { rank: 1, user_id: 'l_a', name: 'L_A', avatar: null, value: 12000, percentage: 100, change_from_last_period: 20, streak_days: 8, badges: ['top_performer', 'streak_master', 'rising_star', 'consistent_improver'] },
        { rank: 2, user_id: 'l_b', name: 'L_B', avatar: null, value: 6000, percentage: 50, change_from_last_period: -25, streak_days: 0, badges: ['effort_champion'] },
        { rank: 3, user_id: 'l_c', name: 'L_C', avatar: null, value: 0, percentage: 0, change_from_last_period: 0, streak_days: 0, badges: ['newcomer'] },
      ],
      statistics: { average_value: 6000, highest_value: 12000, lowest_value: 0, total_participants: 3, period_start: today, period_end: today },
      metadata: { total_participants: 3, metric_unit: '步', update_frequency: 'real-time' },
    });
  });

  it('counts a streak from yesterday when today is not recorded yet', async () => {
    const data = await board('calories', 'daily');
    const a = data.rankings.find((r: { user_id: string }) => r.user_id === 'l_a');
    expect(a).toMatchObject({ value: 0, streak_days: 2, change_from_last_period: -100 });
    expect(data.metadata.metric_unit).toBe('卡路里');
  });

  it('ranks sleep quality by mean efficiency', async () => {
    const data = await board('sleep_quality', 'daily');
    expect(data.rankings.map((r: { user_id: string; value: number }) => [r.user_id, r.value])).toEqual([['l_a', 90], ['l_b', 80], ['l_c', 0]]);
    expect(data.metadata.metric_unit).toBe('分');
  });

  it('ranks kg lost since the last weight before the period', async () => {
    const data = await board('weight_loss', 'daily');
    expect(data.rankings.map((r: { user_id: string; value: number; streak_days: number }) => [r.user_id, r.value, r.streak_days])).toEqual([
      ['l_a', 0.8, 1], ['l_c', 0, 0], ['l_b', -0.5, 0],
    ]);
    expect(data.statistics).toMatchObject({ highest_value: 0.8, lowest_value: -0.5, average_value: 0.1 });
    expect(data.metadata.metric_unit).toBe('公斤');
  });

  it.each([
    ['weekly', () => mondayOf(today)],
    ['monthly', () => firstOfMonth(today)],
  ])('sums the %s period from its first day to today', async (period, start) => {
    const data = await board('steps', period);
    const first = start();
    const expected = Object.entries(RECORDS.l_a!).filter(([offset]) => addDays(today, -Number(offset)) >= first).reduce((n, [, v]) => n + (v.steps ?? 0), 0);
    expect(data.statistics).toMatchObject({ period_start: first, period_end: today });
    expect(data.rankings[0]).toMatchObject({ user_id: 'l_a', value: expected });
    expect(data.leaderboard_id).toBe(`lb_steps_${period}_${today.replace(/-/g, '')}`);
  });

  it.each([
    ['an unknown metric', { metric: 'heart', period: 'daily' }, { type: 'enum', loc: ['query', 'metric'], msg: "Input should be 'steps', 'calories', 'sleep_quality' or 'weight_loss'", input: 'heart', ctx: { expected: "'steps', 'calories', 'sleep_quality' or 'weight_loss'" } }],
    ['an unknown period', { metric: 'steps', period: 'yearly' }, { type: 'enum', loc: ['query', 'period'], msg: "Input should be 'daily', 'weekly' or 'monthly'", input: 'yearly', ctx: { expected: "'daily', 'weekly' or 'monthly'" } }],
    ['a missing period', { metric: 'steps' }, { type: 'missing', loc: ['query', 'period'], msg: 'Field required', input: { metric: 'steps' } }],
  ])('answers 422 for %s', async (_case, query, detail) => {
    const res = await request(api.app).get(PATH).query(query).set(member);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });

  it('answers 403 to a non-member and needs authentication', async () => {
    const query = { metric: 'steps', period: 'daily' };
    expectHttpError(await request(api.app).get(PATH).query(query).set(await authFor(api, 'user_001')), 403, 'You are not a member of this family', PATH);
    expectHttpError(await request(api.app).get(PATH).query(query), 403, 'Not authenticated', PATH);
    expectHttpError(await request(api.app).get(PATH).query(query).set('Authorization', 'Bearer x.y.z'), 401, 'Could not validate credentials', PATH);
  });
});
