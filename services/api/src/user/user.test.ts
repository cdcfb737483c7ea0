import request from 'supertest';
import { addBareUser, bearerFor, envelopeOk, expectAuthRequired } from '../testing-health';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { bmiFields } from './routes';

const PROFILE = '/api/v1/user/profile';
const HEALTH_DATA = '/api/v1/user/health-data';
const env = useTestEnv();
const api = useTestApp(env);

const storedProfile = async (userId: string) =>
  (await env.pool.query('SELECT display_name, email, age, gender, height_cm, weight_kg, activity_level FROM user_profiles WHERE user_id = $1', [userId])).rows[0];

const put = async (path: string, userId: string, body: unknown) =>
  request(api.app).put(path).set('Authorization', await bearerFor(api, userId)).send(body as object);
const get = async (path: string, userId: string) => request(api.app).get(path).set('Authorization', await bearerFor(api, userId));

describe('auth on routes 10–13', () => {
  it.each([
    { method: 'get' as const, path: PROFILE },
    { method: 'put' as const, path: PROFILE },
    { method: 'get' as const, path: HEALTH_DATA },
    { method: 'put' as const, path: HEALTH_DATA },
  ])('$method $path needs a valid bearer token', (call) => expectAuthRequired(api.app, call));
});

describe('GET /api/v1/user/profile', () => {
  it('answers the stored profile in style F, every field present', async () => {
    const res = await get(PROFILE, 'user_001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('User profile retrieved successfully'),
      data: null,
      user_id: 'user_001',
      display_name: '演示用户',
      email: 'demo_user@aurawell.com',
      age: 32,
      gender: 'male',
      height_cm: 175,
      weight_kg: 72.5,
      activity_level: 'moderately_active',
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
  });

  it('creates and stores the default profile on first read', async () => {
    const userId = await addBareUser(env.pool, 'prof');
    const first = await get(PROFILE, userId);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      user_id: userId,
      display_name: `User ${userId.slice(-3)}`,
      email: `${userId}@example.com`,
      age: 25,
      gender: 'other',
      height_cm: 170,
      weight_kg: 70,
      activity_level: 'moderately_active',
    });
    expect(await storedProfile(userId)).toMatchObject({ display_name: `User ${userId.slice(-3)}`, age: 25, gender: 'other' });
    const second = await get(PROFILE, userId);
    expect(second.body.created_at).toBe(first.body.created_at);
  });

  it('shows the defaults, unsaved, to a token whose user is not stored', async () => {
    const res = await get(PROFILE, 'ghost_user_999');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: 'ghost_user_999', display_name: 'User 999', age: 25, created_at: expect.stringMatching(ISO_UTC) });
    expect(await storedProfile('ghost_user_999')).toBeUndefined();
  });
});

describe('PUT /api/v1/user/profile', () => {
  it('changes only the sent fields, trims the name, lower-cases the email, and stores them', async () => {
    const userId = await addBareUser(env.pool, 'put');
    await get(PROFILE, userId);
    const res = await put(PROFILE, userId, { display_name: '  Alice  ', email: 'Alice.B@Example.COM', age: 41 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ...envelopeOk('User profile updated successfully'),
      data: null,
      user_id: userId,
      display_name: 'Alice',
      email: 'alice.b@example.com',
      age: 41,
      gender: 'other',
      height_cm: 170,
      weight_kg: 70,
    });
    const back = await get(PROFILE, userId);
    expect(back.body).toMatchObject({ display_name: 'Alice', email: 'alice.b@example.com', age: 41, activity_level: 'moderately_active' });
    expect(Date.parse(back.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(back.body.created_at));
  });

  it('creates a missing profile from the sent values plus the defaults', async () => {
    const userId = await addBareUser(env.pool, 'new');
    const res = await put(PROFILE, userId, { gender: 'female', height_cm: 160, weight_kg: 50 });
    expect(res.status).toBe(200);
    expect(await storedProfile(userId)).toEqual({
      display_name: `User ${userId.slice(-3)}`, email: `${userId}@example.com`, age: 25, gender: 'female',
      height_cm: 160, weight_kg: 50, activity_level: 'moderately_active',
    });
  });

  it('clears a field sent as null', async () => {
    const userId = await addBareUser(env.pool, 'nul');
    await put(PROFILE, userId, { age: 30 });
    const res = await put(PROFILE, userId, { age: null });
    expect(res.body.age).toBeNull();
    expect((await get(PROFILE, userId)).body.age).toBeNull();
  });

  it('answers 404 USER_1201 for a token whose user is not stored', async () => {
    const res = await put(PROFILE, 'ghost_user_998', { age: 30 });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, error_code: 'USER_1201', message: 'User not found', details: { path: PROFILE } });
  });

  it.each([
    [{ display_name: 'x'.repeat(101) }, 'string_too_long', ['body', 'display_name'], 'String should have at most 100 characters'],
    [{ display_name: '' }, 'string_too_short', ['body', 'display_name'], 'String should have at least 1 character'],
    [{ display_name: '   ' }, 'value_error', ['body', 'display_name'], 'Value error, Display name cannot be empty or only whitespace'],
    [{ display_name: 'Bob <b>' }, 'value_error', ['body', 'display_name'], 'Value error, Display name contains invalid characters'],
    [{ email: 'not-an-email' }, 'string_pattern_mismatch', ['body', 'email'], "String should match pattern '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$'"],
    [{ email: 'a..b@example.com' }, 'value_error', ['body', 'email'], 'Value error, Email cannot contain consecutive dots'],
    [{ email: '.ab@example.com' }, 'value_error', ['body', 'email'], 'Value error, Email cannot start or end with a dot'],
    [{ age: 12 }, 'greater_than_equal', ['body', 'age'], 'Input should be greater than or equal to 13'],
    [{ age: 121 }, 'less_than_equal', ['body', 'age'], 'Input should be less than or equal to 120'],
    [{ age: 30.5 }, 'int_from_float', ['body', 'age'], 'Input should be a valid integer, got a number with a fractional part'],
    [{ gender: 'robot' }, 'string_pattern_mismatch', ['body', 'gender'], "String should match pattern '^(male|female|other)$'"],
    [{ height_cm: 49 }, 'greater_than_equal', ['body', 'height_cm'], 'Input should be greater than or equal to 50'],
    [{ height_cm: 301 }, 'less_than_equal', ['body', 'height_cm'], 'Input should be less than or equal to 300'],
    [{ weight_kg: 19 }, 'greater_than_equal', ['body', 'weight_kg'], 'Input should be greater than or equal to 20'],
    [{ weight_kg: 501 }, 'less_than_equal', ['body', 'weight_kg'], 'Input should be less than or equal to 500'],
    [{ activity_level: 'lazy' }, 'string_pattern_mismatch', ['body', 'activity_level'], "String should match pattern '^(sedentary|lightly_active|moderately_active|very_active|extremely_active)$'"],
    [{ height_cm: 100, weight_kg: 200 }, 'value_error', ['body'], 'Value error, Height and weight combination results in unrealistic BMI'],
  ])('answers 422 for %j', async (body, type, loc, msg) => {
    const res = await put(PROFILE, 'user_002', body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc, msg })]);
    expect(await storedProfile('user_002')).toMatchObject({ display_name: '测试用户', age: 28, gender: 'female' });
  });

  it('accepts a BMI at the edge with height and weight sent together', async () => {
    const userId = await addBareUser(env.pool, 'bmi');
    const res = await put(PROFILE, userId, { height_cm: 200, weight_kg: 40 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ height_cm: 200, weight_kg: 40 });
  });
});

describe('GET /api/v1/user/health-data', () => {
  it('answers the stored measures with BMI and category', async () => {
    const res = await get(HEALTH_DATA, 'user_001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('Health data retrieved successfully'),
      data: null,
      user_id: 'user_001',
      age: 32,
      gender: 'male',
      height: 175,
      weight: 72.5,
      activity_level: 'moderately_active',
      bmi: 23.7,
      bmi_category: '正常',
      updated_at: expect.stringMatching(ISO_UTC),
    });
  });

  it('answers only user_id and updated_at without a profile, and creates none', async () => {
    const userId = await addBareUser(env.pool, 'hd');
    const res = await get(HEALTH_DATA, userId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user_id: userId, age: null, gender: null, height: null, weight: null, activity_level: null, bmi: null, bmi_category: null,
      updated_at: expect.stringMatching(ISO_UTC),
    });
    expect(await storedProfile(userId)).toBeUndefined();
  });
});

describe('PUT /api/v1/user/health-data', () => {
  it('stores height and weight as the profile measures and answers the new BMI', async () => {
    const userId = await addBareUser(env.pool, 'hdp');
    await get(PROFILE, userId);
    const before = Date.now();
    const res = await put(HEALTH_DATA, userId, { height: 180, weight: 90, activity_level: 'very_active' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ...envelopeOk('Health data updated successfully'),
      user_id: userId, age: 25, gender: 'other', height: 180, weight: 90, activity_level: 'very_active', bmi: 27.8, bmi_category: '偏胖',
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await get(PROFILE, userId)).body).toMatchObject({ height_cm: 180, weight_kg: 90, activity_level: 'very_active' });
    expect((await get(HEALTH_DATA, userId)).body).toMatchObject({ bmi: 27.8, bmi_category: '偏胖' });
  });

  it('creates a missing profile, as route 11 does', async () => {
    const userId = await addBareUser(env.pool, 'hdn');
    const res = await put(HEALTH_DATA, userId, { age: 60 });
    expect(res.status).toBe(200);
    expect(await storedProfile(userId)).toMatchObject({ age: 60, height_cm: 170, weight_kg: 70, display_name: `User ${userId.slice(-3)}` });
  });

  it('answers 404 for a token whose user is not stored', async () => {
    expect((await put(HEALTH_DATA, 'ghost_user_997', { age: 60 })).status).toBe(404);
  });

  it.each([
    [{ age: 12 }, 'greater_than_equal', ['body', 'age']],
    [{ gender: 'x' }, 'string_pattern_mismatch', ['body', 'gender']],
    [{ height: 301 }, 'less_than_equal', ['body', 'height']],
    [{ weight: 19.5 }, 'greater_than_equal', ['body', 'weight']],
    [{ activity_level: 'couch' }, 'string_pattern_mismatch', ['body', 'activity_level']],
  ])('answers 422 for %j', async (body, type, loc) => {
    const res = await put(HEALTH_DATA, 'user_002', body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc })]);
  });

  it('answers 422 missing for no body', async () => {
    const res = await request(api.app).put(HEALTH_DATA).set('Authorization', await bearerFor(api, 'user_002')).set('Content-Type', 'application/json');
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body'] });
  });
});

describe('bmiFields', () => {
  it.each([
    [170, 50, 17.3, '偏瘦'],
    [170, 60, 20.8, '正常'],
    [170, 75, 26, '偏胖'],
    [170, 90, 31.1, '肥胖'],
  ])('height %d weight %d → %d %s', (h, w, bmi, category) => {
    expect(bmiFields(h, w)).toEqual({ bmi, bmi_category: category });
  });

  it('is null without both measures', () => {
    expect(bmiFields(null, 70)).toEqual({ bmi: null, bmi_category: null });
  });
});
