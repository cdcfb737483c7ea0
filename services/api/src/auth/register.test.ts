import request from 'supertest';
import { useTestApp, useTestEnv, UUID_V4 } from '../testing';

const REGISTER = '/api/v1/auth/register';
const env = useTestEnv({ seed: false });
const api = useTestApp(env);

const register = (body: unknown) => request(api.app).post(REGISTER).send(body as object);

test('registers a user who can then log in (username lower-cased), with the health data stored', async () => {
  const res = await register({
    username: 'New_User_1',
    email: 'new.user@example.com',
    password: 'secret123',
    health_data: { age: 40, gender: 'unspecified', height: 180, weight: 82.5, activity_level: 'couch' },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ success: true, message: 'User registered successfully' });
  expect(res.body.data.user_id).toMatch(UUID_V4);
  const login = await request(api.app).post('/api/v1/auth/login').send({ username: 'new_user_1', password: 'secret123' });
  expect(login.status).toBe(200);
  const { rows } = await env.pool.query('SELECT u.username, u.display_name, p.* FROM users u JOIN user_profiles p ON p.user_id = u.id WHERE u.id = $1', [res.body.data.user_id]);
  expect(rows[0]).toMatchObject({ username: 'new_user_1', display_name: 'new_user_1', age: 40, gender: 'other', height_cm: 180, weight_kg: 82.5, activity_level: 'moderately_active' });
});

test('a taken username or email is a 422 VALIDATION_1101 with the field named', async () => {
  await register({ username: 'taken_name', email: 'taken@example.com', password: 'secret123' });
  const name = await register({ username: 'TAKEN_NAME', email: 'other@example.com', password: 'secret123' });
  expect(name.status).toBe(422);
  expect(name.body).toMatchObject({ success: false, error_code: 'VALIDATION_1101', message: 'Username already exists', details: { field: 'username', error_code: 'VALIDATION_1101' } });
  const email = await register({ username: 'fresh_name', email: 'TAKEN@example.com', password: 'secret123' });
  expect(email.body).toMatchObject({ error_code: 'VALIDATION_1101', message: 'Email already registered', details: { field: 'email' } });
});

test.each([
  ['a username with a dash', { username: 'bad-name', email: 'a@b.co', password: 'secret123' }, 'username', 'string_pattern_mismatch'],
  ['a short username', { username: 'ab', email: 'a@b.co', password: 'secret123' }, 'username', 'string_too_short'],
  ['a malformed email', { username: 'okname', email: 'a@b', password: 'secret123' }, 'email', 'string_pattern_mismatch'],
  ['a password with a leading space', { username: 'okname', email: 'a@b.co', password: ' secret123' }, 'password', 'value_error'],
  ['an age out of range', { username: 'okname', email: 'a@b.co', password: 'secret123', health_data: { age: 7 } }, 'health_data', 'greater_than_equal'],
])('%s → framework 422 on %s', async (_name, body, field, type) => {
  const res = await register(body);
  expect(res.status).toBe(422);
  expect(res.body.detail[0]).toMatchObject({ type, loc: expect.arrayContaining(['body', field]) });
});

describe('passwords are limited to the 72 UTF-8 bytes bcrypt reads', () => {
  const login = (username: string, password: string) => request(api.app).post('/api/v1/auth/login').send({ username, password });

  test('a 72-byte password registers and logs in; a 73-byte one is a 422 naming password', async () => {
    const pw72 = 'k'.repeat(70) + '72';
    expect((await register({ username: 'bytes_72', email: 'b72@example.com', password: pw72 })).status).toBe(200);
    expect((await login('bytes_72', pw72)).status).toBe(200);
    const res = await register({ username: 'bytes_73', email: 'b73@example.com', password: `${pw72}x` });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({ type: 'value_error', loc: ['body', 'password'], msg: 'Value error, Password must be at most 72 bytes in UTF-8' }),
    ]);
  });

  test('counts bytes, not characters: 24 Chinese characters (72 bytes) pass, 25 (75 bytes) do not', async () => {
    const pw = '健康密码'.repeat(6);
    expect((await register({ username: 'bytes_zh', email: 'bzh@example.com', password: pw })).status).toBe(200);
    expect((await login('bytes_zh', pw)).status).toBe(200);
    const res = await register({ username: 'bytes_zh25', email: 'bzh25@example.com', password: `${pw}康` });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'password'] });
  });
});
