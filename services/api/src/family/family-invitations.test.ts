import request from 'supertest';
import { authFor, createUser, expectHttpError, successData } from './testing';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { ISO_UTC, useTestApp, useTestEnv, UUID_V4 } from '../testing';

const env = useTestEnv();
const api = useTestApp(env);
let owner: Record<string, string>;
let manager: Record<string, string>;
const INVITE = `/api/v1/family/${DEMO_FAMILY_ID}/invite`;
const ACCEPT = '/api/v1/family/invitation/accept';
const DECLINE = '/api/v1/family/invitation/decline';

beforeAll(async () => {
  owner = await authFor(api, 'user_001');
  manager = await authFor(api, 'user_002');
});

type Invite = { invite_id: string; invite_code: string; status: string };
const invite = async (as: Record<string, string>, body: Record<string, unknown>): Promise<Invite> =>
  successData(await request(api.app).post(INVITE).set(as).send(body), 'Invitation sent successfully') as Invite;
const statusOf = async (id: string) =>
  (await env.pool.query<{ status: string; responded_at: Date | null; decline_reason: string | null }>(
    'SELECT status, responded_at, decline_reason FROM family_invitations WHERE id = $1', [id])).rows[0];

describe('POST /api/v1/family/{family_id}/invite (route 39)', () => {
  it('creates a pending 72-hour invitation with a 16-hex code', async () => {
    await createUser(env.pool, 'invitee_a', { email: 'Invitee.A@example.com' });
    const res = await request(api.app).post(INVITE).set(owner).send({ email: 'invitee.a@example.com', role: 'manager', message: 'join us' });
    const data = successData(res, 'Invitation sent successfully') as Record<string, string>;
    expect(data).toEqual({
      invite_id: expect.stringMatching(UUID_V4), family_id: DEMO_FAMILY_ID, family_name: '演示家庭', inviter_id: 'user_001', inviter_name: '演示用户',
      invitee_email: 'invitee.a@example.com', role: 'manager', status: 'pending', message: 'join us',
      created_at: expect.stringMatching(ISO_UTC), expires_at: expect.stringMatching(ISO_UTC), responded_at: null,
      invite_code: expect.stringMatching(/^[0-9A-F]{16}$/),
    });
    expect(Date.parse(data.expires_at!) - Date.parse(data.created_at!)).toBe(72 * 3600 * 1000);
    const stored = await env.pool.query('SELECT invite_code, status FROM family_invitations WHERE id = $1', [data.invite_id]);
    expect(stored.rows).toEqual([{ invite_code: data.invite_code, status: 'pending' }]);
  });

  it('defaults the role to viewer, and a manager may invite', async () => {
    await createUser(env.pool, 'invitee_b', { email: null, profileEmail: 'b-profile@example.com' });
    const data = await invite(manager, { email: 'b-profile@example.com' });
    expect(data).toMatchObject({ role: 'viewer', inviter_id: 'user_002', message: null });
  });

  it('answers 409 for a pending invitation to the same address, and for an existing member', async () => {
    expectHttpError(await request(api.app).post(INVITE).set(owner).send({ email: 'INVITEE.A@example.com' }), 409, 'A pending invitation already exists for this email', INVITE);
    expectHttpError(await request(api.app).post(INVITE).set(owner).send({ email: 'test_user@aurawell.com' }), 409, 'User is already a member of this family', INVITE);
  });

  it('lets an expired invitation be replaced', async () => {
    await createUser(env.pool, 'invitee_c');
    const first = await invite(owner, { email: 'invitee_c@example.com' });
    await env.pool.query(`UPDATE family_invitations SET created_at = now() - interval '80 hours', expires_at = now() - interval '8 hours' WHERE id = $1`, [first.invite_id]);
    const second = await invite(owner, { email: 'invitee_c@example.com' });
    expect(second.invite_id).not.toBe(first.invite_id);
    expect((await statusOf(first.invite_id))?.status).toBe('expired');
  });

  it('answers 400 when no registered user has that email', async () => {
    expectHttpError(await request(api.app).post(INVITE).set(owner).send({ email: 'nobody@example.com' }), 400, 'No registered user with this email', INVITE);
  });

  it('answers 403 to a viewer, to a non-member, and to a manager inviting an owner', async () => {
    const viewer = await createUser(env.pool, 'inv_viewer');
    await env.pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'viewer')`, [DEMO_FAMILY_ID, viewer]);
    const body = { email: 'invitee_c@example.com' };
    expectHttpError(await request(api.app).post(INVITE).set(await authFor(api, viewer)).send(body), 403, 'Insufficient permissions to invite members', INVITE);
    const stranger = await authFor(api, await createUser(env.pool, 'inv_stranger'));
    expectHttpError(await request(api.app).post(INVITE).set(stranger).send(body), 403, 'Insufficient permissions to invite members', INVITE);
    expectHttpError(await request(api.app).post(INVITE).set(manager).send({ ...body, role: 'owner' }), 403, 'Only an owner can invite an owner', INVITE);
  });

  it('answers 404 when the family is inactive', async () => {
    const res = await request(api.app).post('/api/v1/family').set(owner).send({ name: 'Gone' });
    const id = (successData(res, 'Family created successfully') as { family_id: string }).family_id;
    await env.pool.query('UPDATE families SET is_active = false WHERE id = $1', [id]);
    const path = `/api/v1/family/${id}/invite`;
    expectHttpError(await request(api.app).post(path).set(owner).send({ email: 'invitee_c@example.com' }), 404, 'Family not found', path);
  });

  it.each([
    ['a bad email', { email: 'not-an-email' }, 'string_pattern_mismatch', ['body', 'email']],
    ['a missing email', {}, 'missing', ['body', 'email']],
    ['an unknown role', { email: 'a@b.co', role: 'admin' }, 'enum', ['body', 'role']],
    ['a long message', { email: 'a@b.co', message: 'm'.repeat(501) }, 'string_too_long', ['body', 'message']],
  ])('answers 422 for %s', async (_case, body, type, loc) => {
    const res = await request(api.app).post(INVITE).set(owner).send(body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc })]);
  });

  it('answers 422 with the pattern in ctx for a bad email', async () => {
    const res = await request(api.app).post(INVITE).set(owner).send({ email: 'x@y' });
    expect(res.body.detail[0]).toMatchObject({ msg: expect.stringMatching(/^String should match pattern/), input: 'x@y', ctx: { pattern: expect.any(String) } });
  });
});

describe('POST /api/v1/family/invitation/accept (route 40)', () => {
  it('joins the family with the invited role and closes the invitation', async () => {
    const joiner = await createUser(env.pool, 'joiner', { email: 'joiner@example.com' });
    const { invite_id, invite_code } = await invite(owner, { email: 'joiner@example.com', role: 'manager' });
    const res = await request(api.app).post(ACCEPT).set(await authFor(api, joiner)).send({ invite_code: invite_code.toLowerCase() });
    const data = successData(res, 'Successfully joined family') as { family_id: string; member_count: number };
    const after = await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}/members`).set(owner);
    expect(data.family_id).toBe(DEMO_FAMILY_ID);
    expect(data.member_count).toBe((after.body.data as unknown[]).length);
    expect(after.body.data).toContainEqual(expect.objectContaining({ user_id: joiner, role: 'manager' }));
    expect(await statusOf(invite_id)).toMatchObject({ status: 'accepted', responded_at: expect.any(Date) });
    // A second answer finds it closed.
    expectHttpError(await request(api.app).post(ACCEPT).set(await authFor(api, joiner)).send({ invite_code }), 400, 'Invitation has already been accepted', ACCEPT);
  });

  it('answers 404 for an unknown code', async () => {
    expectHttpError(await request(api.app).post(ACCEPT).set(owner).send({ invite_code: '0123456789ABCDEF' }), 404, 'Invitation not found', ACCEPT);
  });

  it('answers 400 for an expired invitation', async () => {
    const late = await createUser(env.pool, 'late', { email: 'late@example.com' });
    const { invite_id, invite_code } = await invite(owner, { email: 'late@example.com' });
    await env.pool.query(`UPDATE family_invitations SET created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' WHERE id = $1`, [invite_id]);
    expectHttpError(await request(api.app).post(ACCEPT).set(await authFor(api, late)).send({ invite_code }), 400, 'Invitation has expired', ACCEPT);
  });

  it("answers 403 when the caller's email is not the invitee's, and 409 for someone already a member", async () => {
    const target = await createUser(env.pool, 'target', { email: 'target@example.com' });
    const { invite_code } = await invite(owner, { email: 'target@example.com' });
    expectHttpError(await request(api.app).post(ACCEPT).set(manager).send({ invite_code }), 403, 'This invitation was sent to a different email address', ACCEPT);
    await env.pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'viewer')`, [DEMO_FAMILY_ID, target]);
    expectHttpError(await request(api.app).post(ACCEPT).set(await authFor(api, target)).send({ invite_code }), 409, 'You are already a member of this family', ACCEPT);
  });

  it('answers 422 for an empty code', async () => {
    const res = await request(api.app).post(ACCEPT).set(owner).send({ invite_code: '' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([{ type: 'string_too_short', loc: ['body', 'invite_code'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } }]);
  });
});

describe('POST /api/v1/family/invitation/decline (route 41)', () => {
  it('declines with a reason, stores it, and answers data null', async () => {
    const decliner = await createUser(env.pool, 'decliner', { email: 'decliner@example.com' });
    const { invite_id, invite_code } = await invite(owner, { email: 'decliner@example.com' });
    const res = await request(api.app).post(DECLINE).set(await authFor(api, decliner)).send({ invite_code, reason: 'busy' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Invitation declined successfully', data: null });
    expect(await statusOf(invite_id)).toEqual({ status: 'declined', responded_at: expect.any(Date), decline_reason: 'busy' });
    const members = await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}/members`).set(owner);
    expect(members.body.data).not.toContainEqual(expect.objectContaining({ user_id: decliner }));
    expectHttpError(await request(api.app).post(DECLINE).set(await authFor(api, decliner)).send({ invite_code }), 400, 'Invitation has already been declined', DECLINE);
  });

  it('answers 404, 403 and 400 like route 40', async () => {
    expectHttpError(await request(api.app).post(DECLINE).set(owner).send({ invite_code: 'FFFFFFFFFFFFFFFF' }), 404, 'Invitation not found', DECLINE);
    await createUser(env.pool, 'other_decliner', { email: 'od@example.com' });
    const { invite_id, invite_code } = await invite(owner, { email: 'od@example.com' });
    expectHttpError(await request(api.app).post(DECLINE).set(manager).send({ invite_code }), 403, 'This invitation was sent to a different email address', DECLINE);
    await env.pool.query(`UPDATE family_invitations SET created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' WHERE id = $1`, [invite_id]);
    expectHttpError(await request(api.app).post(DECLINE).set(await authFor(api, 'other_decliner')).send({ invite_code }), 400, 'Invitation has expired', DECLINE);
  });

  it.each([
    ['an empty code', { invite_code: '' }, 'string_too_short', ['body', 'invite_code']],
    ['a long reason', { invite_code: 'X', reason: 'r'.repeat(201) }, 'string_too_long', ['body', 'reason']],
    ['no body', undefined, 'missing', ['body']],
  ])('answers 422 for %s', async (_case, body, type, loc) => {
    const res = await request(api.app).post(DECLINE).set(owner).send(body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc })]);
  });
});
