import { closeTestEnv, openTestEnv, type TestEnv } from '../testing';
import { createConversation, deleteConversation, listConversations, ownsConversation } from './conversations';

let env: TestEnv;
beforeAll(async () => {
  env = await openTestEnv({ seed: false });
});
afterAll(() => closeTestEnv(env));

test('conversations get distinct, unguessable ids of the contract form, owned by their user alone', async () => {
  const c = { userId: 'u_same', type: 'health_consultation', metadata: {}, memberId: null };
  const before = Math.floor(Date.now() / 1000);
  const [a, b, d] = [await createConversation(env.pool, c), await createConversation(env.pool, c), await createConversation(env.pool, c)];
  for (const row of [a, b, d]) {
    // conv_{user}_{unix seconds}_{16 base64url characters: 96 random bits}
    const m = /^conv_u_same_(\d+)_([A-Za-z0-9_-]{16})$/.exec(row.id);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(before);
  }
  expect(new Set([a.id, b.id, d.id]).size).toBe(3);
  const other = await createConversation(env.pool, { ...c, userId: 'u_other' });
  expect(other.id).toMatch(/^conv_u_other_/);
  expect(await ownsConversation(env.pool, a.id, 'u_other')).toBe(false);
  expect((await listConversations(env.pool, 'u_same')).map((r) => r.id).sort()).toEqual([a.id, b.id, d.id].sort());
  expect(await deleteConversation(env.pool, a.id, 'u_other')).toBe(false);
  expect(await deleteConversation(env.pool, a.id, 'u_same')).toBe(true);
});
