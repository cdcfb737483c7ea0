import request from 'supertest';
import { addActivity, addBareUser, bearerFor, envelopeOk, expectAuthRequired } from '../testing-health';
import { useTestApp, useTestEnv } from '../testing';
import type { ActivityBests } from './store';
import { buildAchievements } from './routes';
import { addDays } from '../dates';
import { databaseToday } from '../health/store';

const ACHIEVEMENTS = '/api/v1/achievements';
const env = useTestEnv();
const api = useTestApp(env);
let today: string;

beforeAll(async () => {
  today = await databaseToday(env.pool);
});

const get = async (userId: string) => request(api.app).get(ACHIEVEMENTS).set('Authorization', await bearerFor(api, userId));
type Shown = { achievement_id: string; progress: number; is_completed: boolean; completed_at: string | null };
const byType = (body: { achievements: Shown[] }, userId: string): Record<string, Shown> =>
  Object.fromEntries(body.achievements.map((a) => [a.achievement_id.replace(`ach_${userId}_`, ''), a]));

describe('GET /api/v1/achievements', () => {
  it('needs a valid bearer token', () => expectAuthRequired(api.app, { method: 'get', path: ACHIEVEMENTS }));

  it('answers the four achievements at 0 for a user without activity, style F', async () => {
    const userId = await addBareUser(env.pool, 'ach');
    const res = await get(userId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('Achievements retrieved successfully'),
      data: null,
      achievements: [
        { achievement_id: `ach_${userId}_daily_steps`, title: 'First Steps', description: '完成第一次步数记录', category: 'activity', progress: 0, is_completed: false, completed_at: null, reward_points: 10 },
        { achievement_id: `ach_${userId}_consecutive_days`, title: 'Early Bird', description: '连续7天早起运动', category: 'consistency', progress: 0, is_completed: false, completed_at: null, reward_points: 25 },
        { achievement_id: `ach_${userId}_distance_covered`, title: 'Distance Walker', description: '单日步行距离超过5公里', category: 'distance', progress: 0, is_completed: false, completed_at: null, reward_points: 15 },
        { achievement_id: `ach_${userId}_calorie_burn`, title: 'Calorie Burner', description: '单日燃烧卡路里超过500', category: 'calories', progress: 0, is_completed: false, completed_at: null, reward_points: 20 },
      ],
      total_points: 0,
      completed_count: 0,
      in_progress_count: 4,
    });
  });

  it('computes progress from the best stored day and dates completion at the first day it was reached', async () => {
    const userId = await addBareUser(env.pool, 'ach');
    await addActivity(env.pool, userId, addDays(today, -9), { steps: 3000, distance_km: 2, calories_burned: 300, exercise_sessions: 1 });
    await addActivity(env.pool, userId, addDays(today, -8), { steps: 8000, distance_km: 4, calories_burned: 650, exercise_sessions: 1 });
    await addActivity(env.pool, userId, addDays(today, -7), { steps: 9000, distance_km: 3, calories_burned: 700, exercise_sessions: 1 });
    await addActivity(env.pool, userId, addDays(today, -5), { steps: 500, exercise_sessions: 1 });
    const res = await get(userId);
    const a = byType(res.body, userId);
    expect(a.daily_steps).toMatchObject({ progress: 100, is_completed: true, completed_at: `${addDays(today, -9)}T00:00:00.000Z` });
    expect(a.consecutive_days).toMatchObject({ progress: 42.9, is_completed: false, completed_at: null });
    expect(a.distance_covered).toMatchObject({ progress: 80, is_completed: false, completed_at: null });
    expect(a.calorie_burn).toMatchObject({ progress: 100, is_completed: true, completed_at: `${addDays(today, -8)}T00:00:00.000Z` });
    expect(res.body).toMatchObject({ total_points: 30, completed_count: 2, in_progress_count: 2 });
  });

  it('completes Early Bird on the seventh day of the first run of seven exercise days', async () => {
    const userId = await addBareUser(env.pool, 'ach');
    for (let n = 20; n >= 12; n -= 1) await addActivity(env.pool, userId, addDays(today, -n), { steps: 100, exercise_sessions: n === 17 ? 0 : 1 });
    for (let n = 10; n >= 3; n -= 1) await addActivity(env.pool, userId, addDays(today, -n), { steps: 100, exercise_sessions: 2 });
    const early = byType((await get(userId)).body, userId).consecutive_days;
    expect(early).toMatchObject({ progress: 100, is_completed: true, completed_at: `${addDays(today, -4)}T00:00:00.000Z` });
  });

  it('agrees with the seeded records of the demo user', async () => {
    const { rows } = await env.pool.query<{ distance: number; calories: number }>(
      `SELECT max(distance_km) AS distance, max(calories_burned) AS calories FROM activity_records WHERE user_id = 'user_001'`,
    );
    const a = byType((await get('user_001')).body, 'user_001');
    const distance = rows[0]?.distance ?? 0;
    expect(a.distance_covered?.progress).toBe(distance >= 5 ? 100 : Math.round((distance / 5) * 1000) / 10);
    expect(a.calorie_burn?.is_completed).toBe((rows[0]?.calories ?? 0) >= 500);
    expect(a.daily_steps).toMatchObject({ is_completed: true, completed_at: `${addDays(today, -20)}T00:00:00.000Z` });
  });
});

describe('buildAchievements', () => {
  const none: ActivityBests = {
    firstStepDay: null, bestDistanceKm: null, distanceReachedOn: null, bestCalories: null, caloriesReachedOn: null,
    longestExerciseStreak: 0, streakReachedOn: null,
  };

  it('never rounds an unmet target up to 100', () => {
    const [, , distance] = buildAchievements('u', { ...none, bestDistanceKm: 4.9999 });
    expect(distance).toMatchObject({ progress: 99.9, is_completed: false, completed_at: null });
  });

  it('caps progress at 100 beyond the target', () => {
    const [, streak, , calories] = buildAchievements('u', { ...none, longestExerciseStreak: 12, streakReachedOn: '2025-01-07', bestCalories: 2000, caloriesReachedOn: '2025-01-02' });
    expect(streak).toMatchObject({ progress: 100, completed_at: '2025-01-07T00:00:00.000Z' });
    expect(calories).toMatchObject({ progress: 100, completed_at: '2025-01-02T00:00:00.000Z' });
  });
});
