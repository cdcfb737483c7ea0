import { useTestEnv } from '../../testing';
import { addBareUser } from '../../testing-health';
import { createHealthGoal, listHealthGoals } from './health-goals';
import { createUserHealthGoal, listUserHealthGoals } from './user-goals';

const env = useTestEnv({ seed: false });

const AT = new Date('2025-06-01T08:00:00Z');
const UNIX = Math.floor(AT.getTime() / 1000);

describe('goal ids', () => {
  it('suffix _2, _3 to health goals of one type made in the same second', async () => {
    const userId = await addBareUser(env.pool, 'ids');
    const goal = { goalType: 'steps', targetValue: 8000, targetUnit: 'steps', targetDate: null, description: null };
    const ids = [];
    for (let n = 0; n < 3; n += 1) ids.push((await createHealthGoal(env.pool, userId, goal, AT)).goal_id);
    expect(ids).toEqual([`goal_${userId}_steps_${UNIX}`, `goal_${userId}_steps_${UNIX}_2`, `goal_${userId}_steps_${UNIX}_3`]);
    expect((await listHealthGoals(env.pool, userId)).map((g) => g.goal_id)).toEqual(ids);
  });

  it('suffix user health goals the same way, per table', async () => {
    const userId = await addBareUser(env.pool, 'ids');
    const goal = { title: 't', description: null, type: 'steps', targetValue: null, currentValue: null, unit: null, targetDate: null, status: 'active' };
    const first = await createUserHealthGoal(env.pool, userId, goal, AT);
    const second = await createUserHealthGoal(env.pool, userId, goal, AT);
    expect([first.id, second.id]).toEqual([`goal_${userId}_steps_${UNIX}`, `goal_${userId}_steps_${UNIX}_2`]);
    expect(await listUserHealthGoals(env.pool, userId)).toHaveLength(2);
  });
});

describe('measured goals', () => {
  it('measure weight change from the weight at creation, never below 0', async () => {
    const userId = await addBareUser(env.pool, 'wt');
    await env.pool.query(`INSERT INTO user_profiles (user_id, weight_kg) VALUES ($1, 70)`, [userId]);
    await createHealthGoal(env.pool, userId, { goalType: 'weight_gain', targetValue: 4, targetUnit: 'kg', targetDate: null, description: null });
    await createHealthGoal(env.pool, userId, { goalType: 'weight_loss', targetValue: 4, targetUnit: 'kg', targetDate: null, description: null });
    await env.pool.query(`UPDATE user_profiles SET weight_kg = 73 WHERE user_id = $1`, [userId]);
    const [gain, loss] = await listHealthGoals(env.pool, userId);
    expect([gain?.current_value, gain?.progress_percentage]).toEqual([3, 75]);
    expect([loss?.current_value, loss?.progress_percentage]).toEqual([0, 0]);
  });

  it('fall back to the value at creation without a profile or records', async () => {
    const userId = await addBareUser(env.pool, 'nop');
    await createUserHealthGoal(env.pool, userId, {
      title: 'w', description: null, type: 'weight_loss', targetValue: 5, currentValue: 1, unit: 'kg', targetDate: null, status: 'active',
    });
    const [goal] = await listUserHealthGoals(env.pool, userId);
    expect(goal).toMatchObject({ current_value: 1, progress: 20 });
  });
});
