import { closeTestEnv, openTestEnv, type TestEnv } from '../testing';
import { createConversation, deleteConversation, listConversations, ownsConversation } from './conversations';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv({ seed: false });
});
afterAll(() => closeTestEnv(env));

test('conversations created in the same second get distinct ids of the contract form', async () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  const c = { userId: 'u_same', type: 'health_consultation', metadata: {}, memberId: null };
  const [a, b, d] = [await createConversation(env.pool, c, now), await createConversation(env.pool, c, now), await createConversation(env.pool, c, now)];
  const seconds = now / 1000;
  expect([a.id, b.id, d.id]).toEqual([`conv_u_same_${seconds}`, `conv_u_same_${seconds + 1}`, `conv_u_same_${seconds + 2}`]);
  // Another user's conversation of the same second never merges with these.
  const other = await createConversation(env.pool, { ...c, userId: 'u_other' }, now);
  expect(other.id).toBe(`conv_u_other_${seconds}`);
  expect(await ownsConversation(env.pool, a.id, 'u_other')).toBe(false);
  expect((await listConversations(env.pool, 'u_same')).map((r) => r.id).sort()).toEqual([a.id, b.id, d.id].sort());
  expect(await deleteConversation(env.pool, a.id, 'u_other')).toBe(false);
  expect(await deleteConversation(env.pool, a.id, 'u_same')).toBe(true);
});
