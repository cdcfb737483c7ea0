import request from 'supertest';
import { addDays } from '../dates';
import { authFor, createFamilyWith, createUser, expectHttpError, insertDay, successData, type DayValues } from './testing';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { databaseToday } from '../health/store';

const env = useTestEnv();
const api = useTestApp(env);
let owner: Record<string, string>;
let manager: Record<string, string>;
let viewer: Record<string, string>;
let today: string;
const FAMILY = 'c0000000-0000-4000-8000-00000000000c';
const PATH = `/api/v1/family/${FAMILY}/challenges`;
const idFormat = (familyId: string) => new RegExp(`^challenge_${familyId}_\\d{8}_\\d{6}(_[0-9a-f]{6})?$`);
const ID_FORMAT = idFormat(FAMILY);

const RECORDS: Record<string, Record<number, DayValues>> = {
  c_owner: { [-10]: { steps: 7000 }, [-9]: { steps: 7000 }, [-8]: { steps: 7000 }, [-2]: { steps: 9000 }, [-1]: { steps: 7000, sleepHours: 7, efficiency: 88 }, 0: { steps: 8000 } },
  c_manager: { [-10]: { steps: 5000 }, [-9]: { steps: 5000 }, [-8]: { steps: 5000 }, [-2]: { steps: 8000 }, [-1]: { steps: 8000 }, 0: { steps: 8500 } },
  c_viewer: { [-21]: { weight: 70 }, [-18]: { weight: 69.6 }, [-16]: { weight: 69.2 } },
};

const base = { description: 'd', challenge_type: 'activity', target_metric: 'steps', target_value: 1 };
const create = async (as: Record<string, string>, body: Record<string, unknown>) =>
  successData(await request(api.app).post(PATH).set(as).send({ ...base, ...body }), 'Family challenge created successfully') as Record<string, any>;

beforeAll(async () => {
  today = await databaseToday(env.pool);
  for (const id of ['c_owner', 'c_manager', 'c_viewer']) await createUser(env.pool, id);
  await createFamilyWith(env.pool, FAMILY, 'c_owner', [['c_manager', 'manager'], ['c_viewer', 'viewer']]);
  for (const [userId, days] of Object.entries(RECORDS)) {
    for (const [offset, values] of Object.entries(days)) await insertDay(env.pool, userId, addDays(today, Number(offset)), values);
  }
  owner = await authFor(api, 'c_owner');
  manager = await authFor(api, 'c_manager');
  viewer = await authFor(api, 'c_viewer');
});

describe('POST /api/v1/family/{family_id}/challenges (route 48)', () => {
  it('creates a challenge with every declared field', async () => {
    const data = await create(owner, {
      title: 'Walk', description: 'Walk a lot', target_metric: 'daily_steps', target_value: 8000, duration_days: 5,
      start_date: addDays(today, -2), participants: ['c_owner', 'c_manager', 'c_owner'], rewards: ['badge'],
    });
    expect(data).toEqual({
      challenge_id: expect.stringMatching(ID_FORMAT), family_id: FAMILY, title: 'Walk', description: 'Walk a lot', challenge_type: 'activity',
      target_metric: 'daily_steps', target_value: 8000, duration_days: 5, start_date: addDays(today, -2), end_date: addDays(today, 3),
      participants: ['c_owner', 'c_manager'], rewards: ['badge'], status: 'active', created_at: expect.stringMatching(ISO_UTC), created_by: 'c_owner',
      progress: { completion_percentage: 0, participants_joined: 2, current_leader: null },
    });
  });

  it('defaults to a 7-day challenge starting today with no participants or rewards; managers may create', async () => {
    const data = await create(manager, { title: 'Defaults' });
    expect(data).toMatchObject({ duration_days: 7, start_date: today, end_date: addDays(today, 7), participants: [], rewards: [], created_by: 'c_manager' });
    expect(data.progress.participants_joined).toBe(0);
  });

  it('keeps two challenges made in the same second apart', async () => {
    const [a, b] = await Promise.all([create(owner, { title: 'Twin A', start_date: addDays(today, 40) }), create(owner, { title: 'Twin B', start_date: addDays(today, 40) })]);
    expect(a!.challenge_id).not.toBe(b!.challenge_id);
  });

  it('stores what it creates: route 47 lists it with the same id and dates', async () => {
    const made = await create(owner, { title: 'Stored', start_date: addDays(today, 2), duration_days: 3, participants: ['c_viewer'] });
    const list = successData(await request(api.app).get(PATH).set(viewer), 'Family challenges retrieved successfully') as { upcoming_challenges: unknown[] };
    expect(list.upcoming_challenges).toContainEqual({
      challenge_id: made.challenge_id, title: 'Stored', description: 'd', challenge_type: 'activity', target_metric: 'steps', target_value: 1,
      start_date: addDays(today, 2), end_date: addDays(today, 5), participants_registered: 1,
    });
  });

  it('answers 403 to a viewer and to a non-member', async () => {
    const body = { ...base, title: 'x' };
    expectHttpError(await request(api.app).post(PATH).set(viewer).send(body), 403, 'Insufficient permissions to create family challenges', PATH);
    expectHttpError(await request(api.app).post(PATH).set(await authFor(api, 'user_001')).send(body), 403, 'You are not a member of this family', PATH);
  });

  it('answers 400 for a participant outside the family, and stores nothing', async () => {
    const res = await request(api.app).post(PATH).set(owner).send({ ...base, title: 'Outsiders', participants: ['c_owner', 'user_002'] });
    expectHttpError(res, 400, 'Participant user_002 is not a member of this family', PATH);
    expect((await env.pool.query(`SELECT 1 FROM family_challenges WHERE title = 'Outsiders'`)).rowCount).toBe(0);
  });

  it.each([
    ['an empty title', { title: '' }, 'string_too_short', ['body', 'title']],
    ['a long title', { title: 't'.repeat(101) }, 'string_too_long', ['body', 'title']],
    ['a long description', { title: 't', description: 'd'.repeat(501) }, 'string_too_long', ['body', 'description']],
    ['an unknown type', { title: 't', challenge_type: 'mood' }, 'enum', ['body', 'challenge_type']],
    ['a missing type', { title: 't', challenge_type: undefined }, 'missing', ['body', 'challenge_type']],
    ['a missing target metric', { title: 't', target_metric: undefined }, 'missing', ['body', 'target_metric']],
    ['a zero target', { title: 't', target_value: 0 }, 'greater_than', ['body', 'target_value']],
    ['no days', { title: 't', duration_days: 0 }, 'greater_than_equal', ['body', 'duration_days']],
    ['too many days', { title: 't', duration_days: 91 }, 'less_than_equal', ['body', 'duration_days']],
    ['fractional days', { title: 't', duration_days: 1.5 }, 'int_from_float', ['body', 'duration_days']],
    ['a start date in another format', { title: 't', start_date: '01/02/2025' }, 'string_pattern_mismatch', ['body', 'start_date']],
    ['an impossible start date', { title: 't', start_date: '2025-02-30' }, 'value_error', ['body', 'start_date']],
    ['participants that are not a list', { title: 't', participants: 'c_owner' }, 'list_type', ['body', 'participants']],
  ])('answers 422 for %s', async (_case, body, type, loc) => {
    const res = await request(api.app).post(PATH).set(owner).send({ ...base, ...body });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc })]);
  });
});

describe('GET /api/v1/family/{family_id}/challenges (route 47)', () => {
  const FAMILY2 = 'c0000000-0000-4000-8000-0000000000c2';
  const PATH2 = `/api/v1/family/${FAMILY2}/challenges`;
  const ID2_FORMAT = idFormat(FAMILY2);
  let data: Record<string, any>;

  beforeAll(async () => {
    await createFamilyWith(env.pool, FAMILY2, 'c_owner', [['c_manager', 'manager'], ['c_viewer', 'viewer']]);
    const post = (body: Record<string, unknown>) => request(api.app).post(PATH2).set(owner).send({ ...base, ...body });
    const made = await Promise.all([
      post({ title: 'A daily', target_metric: 'daily_steps', target_value: 8000, duration_days: 5, start_date: addDays(today, -2), participants: ['c_owner', 'c_manager'] }),
      post({ title: 'E ends today', challenge_type: 'sleep', target_metric: 'sleep_quality', target_value: 80, duration_days: 6, start_date: addDays(today, -6), participants: ['c_owner'] }),
      post({ title: 'M unknown metric', target_metric: 'mood', target_value: 5, duration_days: 2, participants: ['c_manager'] }),
      post({ title: 'B total', target_metric: 'steps', target_value: 20000, duration_days: 3, start_date: addDays(today, -10), participants: ['c_owner', 'c_manager'] }),
      post({ title: 'W weight', challenge_type: 'weight_management', target_metric: 'weight_loss', target_value: 1, duration_days: 5, start_date: addDays(today, -20), participants: ['c_viewer'] }),
      post({ title: 'U later', challenge_type: 'sleep', target_metric: 'sleep_hours', target_value: 8, start_date: addDays(today, 5), participants: ['c_owner'] }),
    ]);
    expect(made.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    data = successData(await request(api.app).get(PATH2).set(viewer), 'Family challenges retrieved successfully') as Record<string, any>;
  });

  it('splits stored challenges by date and orders each list', async () => {
    expect(data.family_id).toBe(FAMILY2);
    expect(data.retrieved_at).toMatch(ISO_UTC);
    expect(data.active_challenges.map((c: { title: string }) => c.title)).toEqual(['E ends today', 'M unknown metric', 'A daily']);
    expect(data.completed_challenges.map((c: { title: string }) => c.title)).toEqual(['B total', 'W weight']);
    expect(data.upcoming_challenges.map((c: { title: string }) => c.title)).toEqual(['U later']);
    expect(data.challenge_summary).toEqual({ total_active: 3, total_completed: 2, total_upcoming: 1, family_points: 100, family_rank: 1 });
  });

  it("computes an active challenge's progress from the participants' records", async () => {
    const a = data.active_challenges.find((c: { title: string }) => c.title === 'A daily');
    expect(a).toEqual({
      challenge_id: expect.stringMatching(ID2_FORMAT), title: 'A daily', description: 'd', challenge_type: 'activity', target_metric: 'daily_steps',
      target_value: 8000, start_date: addDays(today, -2), end_date: addDays(today, 3),
      progress: { completion_percentage: 50, participants_completed: 0, total_participants: 2, current_leader: 'c_manager', days_remaining: 3 },
      participants: [{ user_id: 'c_owner', progress: 40, completed: false }, { user_id: 'c_manager', progress: 60, completed: false }],
      status: 'active',
    });
    const e = data.active_challenges.find((c: { title: string }) => c.title === 'E ends today');
    expect(e.progress).toEqual({ completion_percentage: 100, participants_completed: 1, total_participants: 1, current_leader: 'c_owner', days_remaining: 0 });
    const m = data.active_challenges.find((c: { title: string }) => c.title === 'M unknown metric');
    expect(m.progress).toMatchObject({ completion_percentage: 0, current_leader: null });
  });

  it('reports the results of completed challenges', async () => {
    const [b, w] = data.completed_challenges;
    expect(b).toEqual({
      challenge_id: expect.stringMatching(ID2_FORMAT), title: 'B total', description: 'd', challenge_type: 'activity', target_metric: 'steps', target_value: 20000,
      completed_date: addDays(today, -7),
      results: {
        winner: 'c_owner', completion_rate: 50, total_participants: 2, participants_completed: 1,
        participants: [{ user_id: 'c_owner', progress: 100, completed: true }, { user_id: 'c_manager', progress: 75, completed: false }],
      },
    });
    expect(w.results).toMatchObject({ winner: 'c_viewer', completion_rate: 0, participants: [{ user_id: 'c_viewer', progress: 80, completed: false }] });
  });

  it('lists upcoming challenges with their registrations', async () => {
    expect(data.upcoming_challenges[0]).toEqual({
      challenge_id: expect.stringMatching(ID2_FORMAT), title: 'U later', description: 'd', challenge_type: 'sleep', target_metric: 'sleep_hours', target_value: 8,
      start_date: addDays(today, 5), end_date: addDays(today, 12), participants_registered: 1,
    });
  });

  it('answers empty lists for a family without challenges', async () => {
    const FAMILY3 = 'c0000000-0000-4000-8000-0000000000c3';
    await createFamilyWith(env.pool, FAMILY3, 'c_viewer');
    const empty = successData(await request(api.app).get(`/api/v1/family/${FAMILY3}/challenges`).set(viewer), 'Family challenges retrieved successfully');
    expect(empty).toMatchObject({
      active_challenges: [], completed_challenges: [], upcoming_challenges: [],
      challenge_summary: { total_active: 0, total_completed: 0, total_upcoming: 0, family_points: 0, family_rank: 1 },
    });
  });

  it('answers 403 to a non-member and needs authentication', async () => {
    expectHttpError(await request(api.app).get(PATH2).set(await authFor(api, 'user_001')), 403, 'You are not a member of this family', PATH2);
    expectHttpError(await request(api.app).get(PATH2), 403, 'Not authenticated', PATH2);
    expectHttpError(await request(api.app).post(PATH2).send(base), 403, 'Not authenticated', PATH2);
    expectHttpError(await request(api.app).get(PATH2).set('Authorization', 'Bearer nope'), 401, 'Could not validate credentials', PATH2);
    expectHttpError(await request(api.app).post(PATH2).set('Authorization', 'Bearer nope').send(base), 401, 'Could not validate credentials', PATH2);
  });
});
