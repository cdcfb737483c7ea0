import request from 'supertest';
import { authFor, createFamilyWith, createUser } from './testing';
import { useTestApp, useTestEnv } from '../testing';

// The README's role × action table, checked row by row: what an owner, a manager, a viewer and
// someone outside the family may do for another member (`r_member`, a viewer of the family).

const env = useTestEnv({ seed: false });
const api = useTestApp(env);
const FAMILY = 'f0000000-0000-4000-8000-0000000000f1';
const ROLES = ['owner', 'manager', 'viewer', 'outsider', 'self'] as const;
type Who = (typeof ROLES)[number];
const auth = {} as Record<Who, Record<string, string>>;
const REMINDERS = '/api/v1/reminders';
const reminderBody = { title: '吃药', message: '饭后吃药', schedule: { type: 'cron', cron: '0 9 * * *' } };

beforeAll(async () => {
  for (const id of ['r_owner', 'r_manager', 'r_viewer', 'r_outsider', 'r_member']) await createUser(env.pool, id);
  await createFamilyWith(env.pool, FAMILY, 'r_owner', [['r_manager', 'manager'], ['r_viewer', 'viewer'], ['r_member', 'viewer']]);
  const ids: Record<Who, string> = { owner: 'r_owner', manager: 'r_manager', viewer: 'r_viewer', outsider: 'r_outsider', self: 'r_member' };
  for (const who of ROLES) auth[who] = await authFor(api, ids[who]);
});

/** A reminder of r_member, set by r_member. */
const memberReminder = async (): Promise<string> => {
  const res = await request(api.app).post(REMINDERS).set(auth.self).send(reminderBody);
  expect(res.status).toBe(200);
  return res.body.data.id as string;
};

const reminderExists = async (id: string) => (await request(api.app).get(`${REMINDERS}/${id}`).set(auth.self)).status === 200;

describe('role × action, for another member of the family', () => {
  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 200], ['outsider', 403], ['self', 200]])(
    "list the member's reminders: %s → %i",
    async (who, status) => {
      expect((await request(api.app).get(`${REMINDERS}?member_id=r_member`).set(auth[who])).status).toBe(status);
    },
  );

  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 403], ['outsider', 403], ['self', 200]])(
    'create a reminder for the member: %s → %i (nothing stored when refused)',
    async (who, status) => {
      const title = `by-${who}`;
      const res = await request(api.app).post(REMINDERS).set(auth[who]).send({ ...reminderBody, title, member_id: 'r_member' });
      expect(res.status).toBe(status);
      const { rowCount } = await env.pool.query('SELECT 1 FROM reminders WHERE user_id = $1 AND title = $2', ['r_member', title]);
      expect(rowCount).toBe(status === 200 ? 1 : 0);
    },
  );

  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 403], ['outsider', 404], ['self', 200]])(
    "edit the member's reminder: %s → %i (unchanged when refused)",
    async (who, status) => {
      const id = await memberReminder();
      const res = await request(api.app).put(`${REMINDERS}/${id}`).set(auth[who]).send({ ...reminderBody, title: 'changed' });
      expect(res.status).toBe(status);
      const { rows } = await env.pool.query<{ title: string }>('SELECT title FROM reminders WHERE id = $1', [id]);
      expect(rows[0]?.title).toBe(status === 200 ? 'changed' : reminderBody.title);
    },
  );

  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 403], ['outsider', 404], ['self', 200]])(
    "delete the member's reminder: %s → %i (still there when refused)",
    async (who, status) => {
      const id = await memberReminder();
      expect((await request(api.app).delete(`${REMINDERS}/${id}`).set(auth[who])).status).toBe(status);
      expect(await reminderExists(id)).toBe(status !== 200);
    },
  );

  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 403], ['outsider', 403]])(
    'create a family challenge: %s → %i',
    async (who, status) => {
      const res = await request(api.app)
        .post(`/api/v1/family/${FAMILY}/challenges`)
        .set(auth[who])
        .send({ title: `c-${who}`, description: 'd', challenge_type: 'activity', target_metric: 'steps', target_value: 1 });
      expect(res.status).toBe(status);
    },
  );

  it.each<[Who, number]>([['owner', 200], ['manager', 200], ['viewer', 200], ['outsider', 404]])(
    'switch to the member (to see their data and ask about them): %s → %i',
    async (who, status) => {
      const res = await request(api.app).post('/api/v1/family/switch-member').set(auth[who]).send({ family_id: FAMILY, member_id: 'r_member' });
      expect(res.status).toBe(status);
    },
  );

  it('a chat about the member (REST) is refused to an outsider before anything is asked of the model', async () => {
    const res = await request(api.app).post('/api/v1/chat/message').set(auth.outsider).send({ message: '她睡得好吗？', member_id: 'r_member' });
    expect(res.status).toBe(403);
  });
});
