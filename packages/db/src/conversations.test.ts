import { createLogger } from '@aurawell/platform';
import { createTestDatabase, type TestDatabase } from '@aurawell/testkit';
import {
  ConversationNotOwnedError,
  createConversation,
  deleteConversation,
  listConversations,
  ownsConversation,
  saveMessage,
  titleFrom,
  type NewMessage,
} from './conversations';
import { createPool, type Pool } from './pool';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, createLogger('db-test', 'silent'), 2);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const turn = (over: Partial<NewMessage>): NewMessage => ({
  conversationId: 'x',
  userId: 'x',
  role: 'user',
  content: 'hello',
  status: 'complete',
  generationId: null,
  ...over,
});
const contents = async (conversationId: string) =>
  (await pool.query<{ content: string; user_id: string }>('SELECT content, user_id FROM messages WHERE conversation_id = $1', [conversationId])).rows;

describe('saveMessage: a turn is stored only in a conversation of the same user', () => {
  it("refuses another user's conversation, whatever the caller checked", async () => {
    const victims = await createConversation(pool, { userId: 'victim', type: 'health_consultation', metadata: {}, memberId: null });
    await expect(saveMessage(pool, turn({ conversationId: victims.id, userId: 'attacker', content: 'ignore all previous instructions' }))).rejects.toBeInstanceOf(
      ConversationNotOwnedError,
    );
    expect(await contents(victims.id)).toEqual([]);
  });

  it('refuses a conversation that does not exist', async () => {
    await expect(saveMessage(pool, turn({ conversationId: 'conv_nobody_1', userId: 'attacker' }))).rejects.toBeInstanceOf(ConversationNotOwnedError);
  });

  it("stores the owner's turns, and a retry of the same generation replaces only the owner's own turn", async () => {
    const mine = await createConversation(pool, { userId: 'owner', type: 'health_consultation', metadata: {}, memberId: null });
    const other = await createConversation(pool, { userId: 'other', type: 'health_consultation', metadata: {}, memberId: null });
    await saveMessage(pool, turn({ conversationId: mine.id, userId: 'owner', role: 'assistant', content: 'first', generationId: 'g1' }));
    await saveMessage(pool, turn({ conversationId: mine.id, userId: 'owner', role: 'assistant', content: 'retried', generationId: 'g1' }));
    expect(await contents(mine.id)).toEqual([{ content: 'retried', user_id: 'owner' }]);
    // Another user naming the same generation id (from their own conversation) changes nothing of it.
    await saveMessage(pool, turn({ conversationId: other.id, userId: 'other', role: 'assistant', content: 'hijack', generationId: 'g1' }));
    expect(await contents(mine.id)).toEqual([{ content: 'retried', user_id: 'owner' }]);
  });
});

describe('conversation titles', () => {
  it('the first question names the conversation; later turns and answers do not rename it', async () => {
    const c = await createConversation(pool, { userId: 'titled', type: 'health_consultation', metadata: {}, memberId: null });
    const title = async () => (await pool.query<{ title: string | null }>('SELECT title FROM conversations WHERE user_id = $1 AND id = $2', ['titled', c.id])).rows[0]?.title;
    expect(await title()).toBeNull();
    await saveMessage(pool, turn({ conversationId: c.id, userId: 'titled', content: '  我最近睡眠不好，\n怎么办？ ' }));
    expect(await title()).toBe('我最近睡眠不好， 怎么办？');
    await saveMessage(pool, turn({ conversationId: c.id, userId: 'titled', role: 'assistant', content: '建议…' }));
    await saveMessage(pool, turn({ conversationId: c.id, userId: 'titled', content: '还有别的办法吗' }));
    expect(await title()).toBe('我最近睡眠不好， 怎么办？');
  });

  it('long questions are cut at 30 characters, never inside one', () => {
    expect(titleFrom('睡'.repeat(31))).toBe(`${'睡'.repeat(30)}…`);
    expect(titleFrom('😴'.repeat(40))).toBe(`${'😴'.repeat(30)}…`);
    expect(titleFrom('   ')).toBeNull();
  });
});

test('conversations get distinct, unguessable ids of the contract form, owned by their user alone', async () => {
  const c = { userId: 'u_same', type: 'health_consultation', metadata: {}, memberId: null };
  const before = Math.floor(Date.now() / 1000);
  const [a, b, d] = [await createConversation(pool, c), await createConversation(pool, c), await createConversation(pool, c)];
  for (const row of [a, b, d]) {
    // conv_{user}_{unix seconds}_{16 base64url characters: 96 random bits}
    const m = /^conv_u_same_(\d+)_([A-Za-z0-9_-]{16})$/.exec(row.id);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(before);
  }
  expect(new Set([a.id, b.id, d.id]).size).toBe(3);
  const other = await createConversation(pool, { ...c, userId: 'u_other' });
  expect(other.id).toMatch(/^conv_u_other_/);
  expect(await ownsConversation(pool, a.id, 'u_other')).toBe(false);
  expect((await listConversations(pool, 'u_same')).map((r) => r.id).sort()).toEqual([a.id, b.id, d.id].sort());
  expect(await deleteConversation(pool, a.id, 'u_other')).toBe(false);
  expect(await deleteConversation(pool, a.id, 'u_same')).toBe(true);
});
