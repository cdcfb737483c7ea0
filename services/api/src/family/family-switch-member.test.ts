import request from 'supertest';
import { authFor, createUser, expectHttpError, successData } from './testing';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';

const env = useTestEnv();
const api = useTestApp(env);
let owner: Record<string, string>;
let manager: Record<string, string>;
let viewer: Record<string, string>;
let otherFamilyId: string;
const SWITCH = '/api/v1/family/switch-member';

beforeAll(async () => {
  owner = await authFor(api, 'user_001');
  manager = await authFor(api, 'user_002');
  await createUser(env.pool, 'sw_viewer', { displayName: 'Viewer V' });
  await env.pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, 'sw_viewer', 'viewer')`, [DEMO_FAMILY_ID]);
  viewer = await authFor(api, 'sw_viewer');
  // A second family of user_002 alone: user_001 shares a family with user_002, but not this one.
  const res = await request(api.app).post('/api/v1/family').set(manager).send({ name: 'Second' });
  otherFamilyId = (successData(res, 'Family created successfully') as { family_id: string }).family_id;
});

describe('POST /api/v1/family/switch-member (route 44)', () => {
  it('switches the owner to a manager with full access and every declared field', async () => {
    const res = await request(api.app).post(SWITCH).set(owner).send({ family_id: DEMO_FAMILY_ID, member_id: ' user_002 ' });
    expect(successData(res, 'Successfully switched to member 测试用户')).toEqual({
      member_id: 'user_002', user_id: 'user_002', family_id: DEMO_FAMILY_ID, username: 'test_user', display_name: '测试用户',
      role: 'manager', permissions: ['invite_members', 'remove_members', 'view_all_data', 'modify_family_data'],
      data_access_level: 'full', switched_at: expect.stringMatching(ISO_UTC),
      member_name: '测试用户', access_level: 'full', isolation_key: 'user_001:user_002',
    });
  });

  it.each([
    ['a manager acting for the owner gets limited access', () => manager, 'user_001', 'limited'],
    ['a viewer acting for the owner gets basic access', () => viewer, 'user_001', 'basic'],
    ['a viewer acting for themself gets full access', () => viewer, 'sw_viewer', 'full'],
  ])('%s', async (_case, as, memberId, level) => {
    const data = successData(await request(api.app).post(SWITCH).set(as()).send({ family_id: DEMO_FAMILY_ID, member_id: memberId }), /^Successfully switched to member /);
    expect(data).toMatchObject({ member_id: memberId, data_access_level: level, access_level: level });
  });

  it('names a member without a display name by username, with their role in THAT family', async () => {
    await createUser(env.pool, 'plain_user');
    await env.pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, 'plain_user', 'viewer')`, [otherFamilyId]);
    const res = await request(api.app).post(SWITCH).set(manager).send({ family_id: otherFamilyId, member_id: 'plain_user' });
    expect(successData(res, 'Successfully switched to member plain_user')).toMatchObject({
      display_name: null, member_name: 'plain_user', role: 'viewer', permissions: ['view_all_data'], data_access_level: 'full', family_id: otherFamilyId,
    });
  });

  it.each([
    ['the member is in another family the caller shares with them', () => owner, () => otherFamilyId, 'user_002'],
    ['the caller is not in the family (even for themself)', () => owner, () => otherFamilyId, 'user_001'],
    ['the member is in no family of the caller', () => owner, () => DEMO_FAMILY_ID, 'stranger'],
    ['the family does not exist', () => owner, () => '00000000-0000-4000-8000-000000000000', 'user_002'],
    ['the family id is malformed', () => owner, () => 'nope', 'user_002'],
  ])('answers 404 when %s', async (_case, as, familyId, memberId) => {
    const res = await request(api.app).post(SWITCH).set(as()).send({ family_id: familyId(), member_id: memberId });
    expectHttpError(res, 404, 'Member not found or access denied', SWITCH);
  });

  it('answers 404 for a member who left (inactive)', async () => {
    await env.pool.query(`UPDATE family_members SET is_active = false WHERE user_id = 'sw_viewer'`);
    const res = await request(api.app).post(SWITCH).set(owner).send({ family_id: DEMO_FAMILY_ID, member_id: 'sw_viewer' });
    expectHttpError(res, 404, 'Member not found or access denied', SWITCH);
    await env.pool.query(`UPDATE family_members SET is_active = true WHERE user_id = 'sw_viewer'`);
  });

  it.each([
    ['a blank member_id', { family_id: DEMO_FAMILY_ID, member_id: '  ' }, [{ type: 'string_too_short', loc: ['body', 'member_id'], msg: 'String should have at least 1 character', input: '  ', ctx: { min_length: 1 } }]],
    ['a missing family_id', { member_id: 'user_002' }, [{ type: 'missing', loc: ['body', 'family_id'], msg: 'Field required', input: { member_id: 'user_002' } }]],
  ])('answers 422 for %s', async (_case, body, detail) => {
    const res = await request(api.app).post(SWITCH).set(owner).send(body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail });
  });
});
