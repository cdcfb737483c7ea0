import request from 'supertest';
import { addActivity, addBareUser, addSleep, bearerFor, envelopeOk, expectAuthRequired, setWeight } from '../testing-health';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { addDays, todayUtc } from '../dates';
import { paginationMeta } from './health-goals';
import { databaseToday } from '../health/store';

const GOALS = '/api/v1/health/goals';
const PAGED = '/api/v1/health/goals/paginated';
const env = useTestEnv();
const api = useTestApp(env);
let today: string;
/** A user whose five goals and records the page tests know. */
let owner: string;

const post = async (userId: string, body: unknown) => request(api.app).post(GOALS).set('Authorization', await bearerFor(api, userId)).send(body as object);
const get = async (path: string, userId: string, query: Record<string, unknown> = {}) =>
  request(api.app).get(path).query(query).set('Authorization', await bearerFor(api, userId));
const typesOf = (body: { data: { goal_type: string }[] }) => body.data.map((g) => g.goal_type);

/** steps (measured 11000 → 110 %), sleep (6 h → 75 %), fitness (0 %), weight_loss (2 kg → 40 %), nutrition (0 %). */
const seedOwner = async (): Promise<string> => {
  const userId = await addBareUser(env.pool, 'own');
  await request(api.app).put('/api/v1/user/health-data').set('Authorization', await bearerFor(api, userId)).send({ weight: 80 });
  for (const goal of [
    { goal_type: 'steps', target_value: 10000, target_unit: 'steps/day', description: 'Walk daily', target_date: addDays(today, 10) },
    { goal_type: 'sleep', target_value: 8, target_unit: 'hours', description: 'Sleep well', target_date: addDays(today, 40) },
    { goal_type: 'fitness', target_value: 3, target_unit: 'sessions/week', description: 'Gym three times' },
    { goal_type: 'weight_loss', target_value: 5, target_unit: 'kg', description: 'Lose five', target_date: addDays(today, 90) },
    { goal_type: 'nutrition', target_value: 2000, target_unit: 'calories', description: 'Eat clean' },
  ]) expect((await post(userId, goal)).status).toBe(200);
  await addActivity(env.pool, userId, today, { steps: 12000 });
  await addActivity(env.pool, userId, addDays(today, -1), { steps: 10000 });
  await addSleep(env.pool, userId, today, 6);
  await setWeight(env.pool, userId, 78);
  return userId;
};

beforeAll(async () => {
  today = await databaseToday(env.pool);
  owner = await seedOwner();
});

describe('auth on routes 19–21', () => {
  it.each([
    { method: 'post' as const, path: GOALS },
    { method: 'get' as const, path: GOALS },
    { method: 'get' as const, path: PAGED },
  ])('$method $path needs a valid bearer token', (call) => expectAuthRequired(api.app, call));
});

describe('POST /api/v1/health/goals', () => {
  it('answers the stored goal bare, current 0 and progress 0, unit normalised', async () => {
    const userId = await addBareUser(env.pool, 'hg');
    const res = await post(userId, { goal_type: 'fitness', target_value: 4, target_unit: ' Sessions/Week ', target_date: today, description: 'Move' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      goal_id: expect.stringMatching(new RegExp(`^goal_${userId}_fitness_\\d+$`)),
      goal_type: 'fitness',
      target_value: 4,
      target_unit: 'sessions/week',
      current_value: 0,
      progress_percentage: 0,
      target_date: today,
      description: 'Move',
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
    expect(Math.abs(Number(res.body.goal_id.split('_').pop()) - Date.now() / 1000)).toBeLessThan(5);
    const back = await get(GOALS, userId);
    expect(back.body.goals).toEqual([res.body]);
  });

  it('stores null for the optional fields', async () => {
    const res = await post('user_002', { goal_type: 'nutrition', target_value: 1800, target_unit: 'calories' });
    expect(res.body).toMatchObject({ target_date: null, description: null });
  });

  it.each([
    [{ goal_type: 'walking' }, 'string_pattern_mismatch', ['body', 'goal_type'], "String should match pattern '^(weight_loss|weight_gain|fitness|nutrition|sleep|steps)$'"],
    [{ target_value: 0 }, 'greater_than', ['body', 'target_value'], 'Input should be greater than 0'],
    [{ target_value: 2_000_000, goal_type: 'fitness' }, 'value_error', ['body', 'target_value'], 'Value error, Target value is unreasonably high'],
    [{ target_value: 100_001 }, 'value_error', ['body'], 'Value error, Daily steps goal cannot exceed 100,000'],
    [{ goal_type: 'sleep', target_value: 13 }, 'value_error', ['body'], 'Value error, Sleep goal cannot exceed 12 hours'],
    [{ goal_type: 'weight_loss', target_value: 101 }, 'value_error', ['body'], 'Value error, Weight change goal cannot exceed 100 kg'],
    [{ goal_type: 'weight_gain', target_value: 100.5 }, 'value_error', ['body'], 'Value error, Weight change goal cannot exceed 100 kg'],
    [{ goal_type: 'nutrition', target_value: 10_001 }, 'value_error', ['body'], 'Value error, Nutrition goal cannot exceed 10,000 calories'],
    [{ target_unit: '' }, 'string_too_short', ['body', 'target_unit'], 'String should have at least 1 character'],
    [{ target_unit: 'u'.repeat(21) }, 'string_too_long', ['body', 'target_unit'], 'String should have at most 20 characters'],
    [{ target_unit: '   ' }, 'value_error', ['body', 'target_unit'], 'Value error, Target unit cannot be empty'],
    [{ target_unit: 'steps-2' }, 'value_error', ['body', 'target_unit'], 'Value error, Target unit can only contain letters and forward slashes'],
    [{ target_date: '2020-01-01' }, 'value_error', ['body', 'target_date'], 'Value error, Target date cannot be in the past'],
    [{ target_date: addDays(todayUtc(), 731) }, 'value_error', ['body', 'target_date'], 'Value error, Target date cannot be more than 2 years in the future'],
    [{ target_date: 'soon' }, 'date_from_datetime_parsing', ['body', 'target_date'], 'Input should be a valid date or datetime, invalid date format'],
    [{ description: 'd'.repeat(501) }, 'string_too_long', ['body', 'description'], 'String should have at most 500 characters'],
  ])('answers 422 for %j', async (change, type, loc, msg) => {
    const res = await post('user_002', { goal_type: 'steps', target_value: 9000, target_unit: 'steps', ...change });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc, msg })]);
  });

  it('checks the caps only once every field is valid', async () => {
    const res = await post('user_002', { goal_type: 'steps', target_value: 200_000, target_unit: '' });
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([['body', 'target_unit']]);
  });

  it('accepts a target date exactly two years ahead', async () => {
    const res = await post('user_002', { goal_type: 'steps', target_value: 9000, target_unit: 'steps', target_date: addDays(todayUtc(), 730) });
    expect(res.status).toBe(200);
  });
});

describe('GET /api/v1/health/goals', () => {
  it('lists the goals in stored order, measured from the records, style F', async () => {
    const res = await get(GOALS, owner);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...envelopeOk('Health goals retrieved successfully'), data: null, total_count: 5 });
    expect(res.body.goals.map((g: { goal_type: string; current_value: number; progress_percentage: number }) => [g.goal_type, g.current_value, g.progress_percentage])).toEqual([
      ['steps', 11000, 110],
      ['sleep', 6, 75],
      ['fitness', 0, 0],
      ['weight_loss', 2, 40],
      ['nutrition', 0, 0],
    ]);
  });

  it("lists the demo user's seeded goals", async () => {
    const res = await get(GOALS, 'user_001');
    expect(res.body.goals.map((g: { goal_type: string }) => g.goal_type)).toEqual(['steps', 'weight_loss', 'sleep']);
    expect(res.body.goals[1]).toMatchObject({ description: 'Lose 5kg for better health', current_value: 1.5, progress_percentage: 30 });
  });
});

describe('GET /api/v1/health/goals/paginated', () => {
  it('answers the first page in stored order with pagination, style P', async () => {
    const res = await get(PAGED, owner);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('Retrieved 5 health goals (page 1 of 1)'),
      data: expect.any(Array),
      pagination: { page: 1, page_size: 20, total_items: 5, total_pages: 1, has_next: false, has_previous: false },
    });
    expect(typesOf(res.body)).toEqual(['steps', 'sleep', 'fitness', 'weight_loss', 'nutrition']);
    expect(res.body.data[0]).toMatchObject({ goal_id: expect.any(String), target_unit: 'steps/day', current_value: 11000, progress_percentage: 110 });
  });

  it('pages with offset (page − 1) × page_size', async () => {
    const res = await get(PAGED, owner, { page: 2, page_size: 2 });
    expect(typesOf(res.body)).toEqual(['fitness', 'weight_loss']);
    expect(res.body.pagination).toEqual({ page: 2, page_size: 2, total_items: 5, total_pages: 3, has_next: true, has_previous: true });
    const past = await get(PAGED, owner, { page: 9, page_size: 2 });
    expect(past.body).toMatchObject({ data: [], pagination: { total_items: 5, total_pages: 3, has_next: false }, message: 'Retrieved 0 health goals (page 9 of 3)' });
  });

  it.each([
    [{ goal_type: 'sleep' }, ['sleep']],
    [{ search: 'WALK' }, ['steps']],
    [{ search: 'loss' }, ['weight_loss']],
    [{ search: '   ' }, ['steps', 'sleep', 'fitness', 'weight_loss', 'nutrition']],
    [{ status: 'completed' }, ['steps']],
    [{ status: 'active' }, ['sleep', 'fitness', 'weight_loss', 'nutrition']],
    [{ is_completed: 'true' }, ['steps']],
    [{ is_completed: 'no' }, ['sleep', 'fitness', 'weight_loss', 'nutrition']],
    [{ target_date_from: 20, target_date_to: 100 }, ['sleep', 'weight_loss']],
    [{ target_date_to: 10 }, ['steps']],
    [{ date_from: 0, date_to: 0 }, ['steps', 'sleep', 'fitness', 'weight_loss', 'nutrition']],
    [{ date_to: -1 }, []],
    [{ sort_by: 'progress', sort_order: 'asc' }, ['fitness', 'nutrition', 'weight_loss', 'sleep', 'steps']],
    [{ sort_by: 'progress' }, ['steps', 'sleep', 'weight_loss', 'fitness', 'nutrition']],
    [{ sort_by: 'target_date', sort_order: 'asc' }, ['steps', 'sleep', 'weight_loss', 'fitness', 'nutrition']],
    [{ sort_by: 'target_value', sort_order: 'desc' }, ['steps', 'nutrition', 'sleep', 'weight_loss', 'fitness']],
    [{ sort_by: 'title' }, ['steps', 'sleep', 'fitness', 'weight_loss', 'nutrition']],
    [{ goal_type: 'steps', status: 'active' }, []],
  ])('filters and sorts %j', async (query, expected) => {
    // Date filters are given as day offsets from today.
    const dated = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, typeof v === 'number' ? addDays(today, v) : v]));
    const res = await get(PAGED, owner, dated);
    expect(res.status).toBe(200);
    expect(typesOf(res.body)).toEqual(expected);
    expect(res.body.pagination.total_items).toBe(expected.length);
  });

  it('sorts by creation time both ways', async () => {
    const asc = await get(PAGED, owner, { sort_by: 'created_at', sort_order: 'asc' });
    const desc = await get(PAGED, owner, { sort_by: 'created_at', sort_order: 'desc' });
    expect(typesOf(asc.body)).toEqual(['steps', 'sleep', 'fitness', 'weight_loss', 'nutrition']);
    expect(typesOf(desc.body)).toEqual(['nutrition', 'weight_loss', 'fitness', 'sleep', 'steps']);
  });

  it.each([
    [{ sort_by: '1st' }, 'sort_by', 'Value error, Sort field must be a valid field name', '1st'],
    [{ sort_by: 'bad field', search: '<x>' }, 'sort_by', 'Value error, Sort field must be a valid field name', 'bad field'],
    [{ search: ' <script> ' }, 'search', 'Value error, Search term contains invalid characters', ' <script> '],
    [{ search: "it's" }, 'search', 'Value error, Search term contains invalid characters', "it's"],
  ])('answers a source-3 422 for %j', async (query, field, message, input) => {
    const res = await get(PAGED, owner, query);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, message: 'Validation failed', error_code: 'VALIDATION_1101', data: null });
    expect(res.body.details).toEqual({ path: PAGED, validation_errors: [{ field, message, type: 'value_error', input }] });
  });

  it.each([
    [[0, -2], 'Value error, date_from cannot be after date_to'],
    [[-400, -34], 'Value error, Date range cannot exceed 1 year'],
  ] as const)('answers a source-3 422 on the whole filter for created-date range %j', async ([from, to], message) => {
    const res = await get(PAGED, owner, { date_from: addDays(today, from), date_to: addDays(today, to), goal_type: 'steps' });
    expect(res.status).toBe(422);
    expect(res.body.details.validation_errors).toEqual([
      {
        field: '', message, type: 'value_error',
        input: {
          search: null, status: null, date_from: addDays(today, from), date_to: addDays(today, to), goal_type: 'steps',
          is_completed: null, target_date_from: null, target_date_to: null,
        },
      },
    ]);
  });

  it.each([
    [{ page: 0 }, 'greater_than_equal', 'page'],
    [{ page: 1001 }, 'less_than_equal', 'page'],
    [{ page: 'two' }, 'int_parsing', 'page'],
    [{ page_size: 0 }, 'greater_than_equal', 'page_size'],
    [{ page_size: 101 }, 'less_than_equal', 'page_size'],
    [{ sort_order: 'up' }, 'string_pattern_mismatch', 'sort_order'],
    [{ goal_type: 'walking' }, 'string_pattern_mismatch', 'goal_type'],
    [{ search: 's'.repeat(101) }, 'string_too_long', 'search'],
    [{ is_completed: 'maybe' }, 'bool_parsing', 'is_completed'],
    [{ date_from: 'today' }, 'date_from_datetime_parsing', 'date_from'],
    [{ target_date_to: '2024-13-01' }, 'date_from_datetime_parsing', 'target_date_to'],
  ])('answers a framework 422 for %j', async (query, type, field) => {
    const res = await get(PAGED, owner, query);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc: ['query', field] })]);
  });

  it("shows nobody else's goals", async () => {
    const res = await get(PAGED, 'user_002', { search: 'Walk daily' });
    expect(res.body.data).toEqual([]);
  });
});

describe('paginationMeta', () => {
  it('counts one page when nothing matches', () => {
    expect(paginationMeta(1, 20, 0)).toEqual({ page: 1, page_size: 20, total_items: 0, total_pages: 1, has_next: false, has_previous: false });
  });
});
