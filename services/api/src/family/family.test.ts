import request from 'supertest';
import { authFor, createUser, expectHttpError, successData } from './testing';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { ISO_UTC, useTestApp, useTestEnv, UUID_V4 } from '../testing';

const env = useTestEnv();
const api = useTestApp(env);
let owner: Record<string, string>;
let manager: Record<string, string>;
let outsider: Record<string, string>;
const MISSING_FAMILY = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  owner = await authFor(api, 'user_001');
  manager = await authFor(api, 'user_002');
  outsider = await authFor(api, await createUser(env.pool, 'outsider'));
});

const FAMILY_INFO_KEYS = ['created_at', 'description', 'family_id', 'is_active', 'member_count', 'name', 'owner_id', 'updated_at'];

describe('POST /api/v1/family (route 36)', () => {
  it('creates a family owned by the caller, trimmed, and stores it', async () => {
    const creator = await authFor(api, await createUser(env.pool, 'creator'));
    const res = await request(api.app).post('/api/v1/family').set(creator).send({ name: '  My Family  ', description: '  ours ' });
    const data = successData(res, 'Family created successfully') as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(FAMILY_INFO_KEYS);
    expect(data).toMatchObject({ name: 'My Family', description: 'ours', owner_id: 'creator', member_count: 1, is_active: true });
    expect(data.family_id).toMatch(UUID_V4);
    expect(data.created_at).toMatch(ISO_UTC);
    const readBack = await request(api.app).get(`/api/v1/family/${data.family_id}`).set(creator);
    expect(successData(readBack, 'Family information retrieved successfully')).toEqual(data);
    const members = await request(api.app).get(`/api/v1/family/${data.family_id}/members`).set(creator);
    expect(successData(members, 'Retrieved 1 family members')).toEqual([expect.objectContaining({ user_id: 'creator', role: 'owner' })]);
  });

  it('stores a blank description as null', async () => {
    const res = await request(api.app).post('/api/v1/family').set(outsider).send({ name: 'Solo', description: '   ' });
    expect((successData(res, 'Family created successfully') as { description: unknown }).description).toBeNull();
  });

  it('answers 409 once the caller owns three families, and stores no fourth', async () => {
    const busy = await authFor(api, await createUser(env.pool, 'busy_owner'));
    for (const name of ['one', 'two', 'three']) expect((await request(api.app).post('/api/v1/family').set(busy).send({ name })).status).toBe(200);
    const res = await request(api.app).post('/api/v1/family').set(busy).send({ name: 'four' });
    expectHttpError(res, 409, 'User already owns the maximum number of families (3)', '/api/v1/family');
    const list = await request(api.app).get('/api/v1/family').set(busy);
    expect((successData(list, 'Retrieved 3 families') as { name: string }[]).map((f) => f.name)).toEqual(['one', 'two', 'three']);
  });

  it('keeps the limit under concurrent requests', async () => {
    const racer = await authFor(api, await createUser(env.pool, 'racer'));
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => request(api.app).post('/api/v1/family').set(racer).send({ name })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409]);
  });

  it('answers 400 for a token whose user has no account', async () => {
    const ghost = await authFor(api, 'ghost_user');
    expectHttpError(await request(api.app).post('/api/v1/family').set(ghost).send({ name: 'x' }), 400, 'User account not found', '/api/v1/family');
  });

  it.each([
    ['a missing name', {}, { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: {} }],
    ['a blank name', { name: '   ' }, { type: 'string_too_short', loc: ['body', 'name'], msg: 'String should have at least 1 character', input: '   ', ctx: { min_length: 1 } }],
    ['a long name', { name: 'n'.repeat(101) }, { type: 'string_too_long', loc: ['body', 'name'], msg: 'String should have at most 100 characters', input: 'n'.repeat(101), ctx: { max_length: 100 } }],
    ['a long description', { name: 'ok', description: 'd'.repeat(501) }, { type: 'string_too_long', loc: ['body', 'description'], msg: 'String should have at most 500 characters', input: 'd'.repeat(501), ctx: { max_length: 500 } }],
    ['a name that is not a string', { name: 5 }, { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 5 }],
  ])('answers 422 for %s', async (_case, body, detail) => {
    const res = await request(api.app).post('/api/v1/family').set(outsider).send(body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });
});

describe('GET /api/v1/family (route 37)', () => {
  it("lists the caller's families with live member counts", async () => {
    const data = successData(await request(api.app).get('/api/v1/family').set(manager), 'Retrieved 1 families') as Record<string, unknown>[];
    expect(data).toEqual([{
      family_id: DEMO_FAMILY_ID, name: '演示家庭', owner_id: 'user_001', description: expect.any(String),
      created_at: expect.stringMatching(ISO_UTC), updated_at: expect.stringMatching(ISO_UTC), member_count: 2, is_active: true,
    }]);
  });

  it('answers an empty list for a user in no family', async () => {
    const lonely = await authFor(api, await createUser(env.pool, 'lonely'));
    expect(successData(await request(api.app).get('/api/v1/family').set(lonely), 'Retrieved 0 families')).toEqual([]);
  });
});

describe('GET /api/v1/family/{family_id} (route 38)', () => {
  it('answers the family to a member', async () => {
    const data = successData(await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}`).set(manager), 'Family information retrieved successfully');
    expect(data).toMatchObject({ family_id: DEMO_FAMILY_ID, member_count: 2, owner_id: 'user_001' });
  });

  it.each([['a non-member', DEMO_FAMILY_ID], ['a family that does not exist', MISSING_FAMILY], ['a malformed id', 'not-a-uuid']])(
    'answers 403 for %s',
    async (_case, id) => {
      const res = await request(api.app).get(`/api/v1/family/${id}`).set(outsider);
      expectHttpError(res, 403, 'You are not a member of this family', `/api/v1/family/${id}`);
    },
  );

  it('answers 404 to a member of an inactive family', async () => {
    const res = await request(api.app).post('/api/v1/family').set(manager).send({ name: 'Closed' });
    const id = (successData(res, 'Family created successfully') as { family_id: string }).family_id;
    await env.pool.query('UPDATE families SET is_active = false WHERE id = $1', [id]);
    expectHttpError(await request(api.app).get(`/api/v1/family/${id}`).set(manager), 404, 'Family not found', `/api/v1/family/${id}`);
  });
});

describe('GET /api/v1/family/{family_id}/members (route 42)', () => {
  it('lists every member with profile names and emails, owner first', async () => {
    const data = successData(await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}/members`).set(manager), 'Retrieved 2 family members');
    expect(data).toEqual([
      { user_id: 'user_001', username: 'demo_user', display_name: '演示用户', email: 'demo_user@aurawell.com', role: 'owner', joined_at: expect.stringMatching(ISO_UTC), last_active: null, is_active: true },
      { user_id: 'user_002', username: 'test_user', display_name: '测试用户', email: 'test_user@aurawell.com', role: 'manager', joined_at: expect.stringMatching(ISO_UTC), last_active: null, is_active: true },
    ]);
  });

  it('answers 403 to a non-member', async () => {
    const path = `/api/v1/family/${DEMO_FAMILY_ID}/members`;
    expectHttpError(await request(api.app).get(path).set(outsider), 403, 'You are not a member of this family', path);
  });
});

describe('GET /api/v1/family/{family_id}/permissions (route 43)', () => {
  const path = `/api/v1/family/${DEMO_FAMILY_ID}/permissions`;

  it("answers the owner's full rights", async () => {
    expect(successData(await request(api.app).get(path).set(owner), 'Permissions retrieved successfully')).toEqual({
      family_id: DEMO_FAMILY_ID, user_id: 'user_001', role: 'owner',
      permissions: ['invite_members', 'remove_members', 'modify_family_settings', 'view_all_data', 'modify_family_data', 'delete_family', 'change_member_roles', 'transfer_ownership'],
      can_invite_members: true, can_remove_members: true, can_view_all_data: true, can_modify_family_settings: true, can_delete_family: true,
    });
  });

  it("answers a manager's rights", async () => {
    expect(successData(await request(api.app).get(path).set(manager), 'Permissions retrieved successfully')).toEqual({
      family_id: DEMO_FAMILY_ID, user_id: 'user_002', role: 'manager', permissions: ['invite_members', 'remove_members', 'view_all_data', 'modify_family_data'],
      can_invite_members: true, can_remove_members: true, can_view_all_data: true, can_modify_family_settings: false, can_delete_family: false,
    });
  });

  it("answers a viewer's rights", async () => {
    const viewerId = await createUser(env.pool, 'perm_viewer');
    await env.pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'viewer')`, [DEMO_FAMILY_ID, viewerId]);
    const data = successData(await request(api.app).get(path).set(await authFor(api, viewerId)), 'Permissions retrieved successfully');
    expect(data).toEqual({
      family_id: DEMO_FAMILY_ID, user_id: viewerId, role: 'viewer', permissions: ['view_all_data'],
      can_invite_members: false, can_remove_members: false, can_view_all_data: true, can_modify_family_settings: false, can_delete_family: false,
    });
    await env.pool.query('DELETE FROM family_members WHERE user_id = $1', [viewerId]);
  });

  it('answers 404 (not 403) to a non-member', async () => {
    expectHttpError(await request(api.app).get(path).set(outsider), 404, 'User is not a member of this family', path);
  });
});

describe('authentication on routes 36–44', () => {
  it.each([
    ['post', '/api/v1/family'], ['get', '/api/v1/family'], ['get', `/api/v1/family/${DEMO_FAMILY_ID}`],
    ['post', `/api/v1/family/${DEMO_FAMILY_ID}/invite`], ['post', '/api/v1/family/invitation/accept'],
    ['post', '/api/v1/family/invitation/decline'], ['get', `/api/v1/family/${DEMO_FAMILY_ID}/members`],
    ['get', `/api/v1/family/${DEMO_FAMILY_ID}/permissions`], ['post', '/api/v1/family/switch-member'],
  ] as const)('%s %s: 403 without a header, 401 with a bad token', async (method, path) => {
    expectHttpError(await request(api.app)[method](path).send({}), 403, 'Not authenticated', path);
    const bad = await request(api.app)[method](path).set('Authorization', 'Bearer not.a.jwt').send({});
    expectHttpError(bad, 401, 'Could not validate credentials', path);
  });
});
