import { randomUUID } from 'node:crypto';
import { createLogger } from '@aurawell/platform';
import { createTestDatabase, type TestDatabase } from '@aurawell/testkit';
import { createConversation, saveMessage } from './conversations';
import { loadHealthSnapshot } from './health';
import { createPool, type Pool } from './pool';
import { beginTurn, type TurnStart } from './turns';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, createLogger('db-test', 'silent'), 2);
  await pool.query(`INSERT INTO users (id, username, password_hash, display_name) VALUES ('mum', 'mum', 'x', '妈妈'), ('me', 'me', 'x', NULL)`);
  await pool.query(`INSERT INTO user_profiles (user_id, age, gender, height_cm, weight_kg, activity_level) VALUES ('mum', 61, 'female', 158.5, 55.2, 'lightly_active')`);
  await pool.query(
    `INSERT INTO activity_records (user_id, day, steps, distance_km, calories_burned, active_minutes)
     SELECT 'mum', current_date - d, 5000 + d * 100, 3.5 + d / 10.0, 1800 + d, 30 FROM generate_series(0, 9) d`,
  );
  await pool.query(
    `INSERT INTO sleep_records (user_id, day, total_sleep_hours, deep_sleep_hours, sleep_efficiency)
     SELECT 'mum', current_date - d, 6.5 + d / 10.0, 1.5, 85.5 FROM generate_series(0, 3) d`,
  );
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const start = (over: Partial<TurnStart>): TurnStart => ({
  userId: 'me',
  conversationId: `conv_me_${randomUUID()}`,
  memberId: null,
  create: true,
  generationId: randomUUID(),
  question: '我最近睡眠不好，怎么办？',
  historyTurns: 10,
  healthOf: null,
  nameOf: null,
  ...over,
});

const stored = async (userId: string, conversationId: string) =>
  (await pool.query<{ role: string; content: string }>('SELECT role, content FROM messages WHERE user_id = $1 AND conversation_id = $2 ORDER BY created_at', [userId, conversationId])).rows;
const conversation = async (userId: string, id: string) =>
  (await pool.query<{ title: string | null; updated_at: Date }>('SELECT title, updated_at FROM conversations WHERE user_id = $1 AND id = $2', [userId, id])).rows[0];

describe('beginTurn: the conversation, its history, the question stored and the prompt data in one statement', () => {
  it('creates a new conversation titled by the question and stores the question; no history yet', async () => {
    const t = start({});
    const ctx = await beginTurn(pool, t);
    expect(ctx).toEqual({ owned: true, history: [], health: null, memberName: null });
    expect(await stored('me', t.conversationId)).toEqual([{ role: 'user', content: t.question }]);
    expect((await conversation('me', t.conversationId))?.title).toBe('我最近睡眠不好，怎么办？');
  });

  it('reads the history before storing the question (oldest first, unfinished answers left out), titles an untitled conversation, touches it', async () => {
    const c = await createConversation(pool, { userId: 'me', type: 'health_consultation', metadata: {}, memberId: null });
    await saveMessage(pool, { conversationId: c.id, userId: 'me', role: 'assistant', content: '欢迎', status: 'complete', generationId: null });
    await saveMessage(pool, { conversationId: c.id, userId: 'me', role: 'assistant', content: '半截', status: 'cancelled', generationId: null });
    await pool.query('UPDATE conversations SET title = NULL, updated_at = now() - interval \'1 day\' WHERE id = $1', [c.id]);
    const before = await conversation('me', c.id);
    const t = start({ conversationId: c.id, create: false, question: '第二个问题' });
    const ctx = await beginTurn(pool, t);
    expect(ctx.history).toEqual([{ role: 'assistant', content: '欢迎' }]);
    expect((await stored('me', c.id)).map((m) => m.content)).toEqual(['欢迎', '半截', '第二个问题']);
    const after = await conversation('me', c.id);
    expect(after?.title).toBe('第二个问题');
    expect(after!.updated_at.getTime()).toBeGreaterThan(before!.updated_at.getTime());
  });

  it('keeps only the last historyTurns turns', async () => {
    const t = start({});
    await beginTurn(pool, t);
    for (const q of ['二', '三', '四']) await beginTurn(pool, { ...t, generationId: randomUUID(), question: q, create: false });
    const ctx = await beginTurn(pool, { ...t, generationId: randomUUID(), question: '五', historyTurns: 2 });
    expect(ctx.history.map((h) => h.content)).toEqual(['三', '四']);
  });

  it('an unknown conversation without create: not owned, nothing stored or created', async () => {
    const t = start({ create: false });
    expect(await beginTurn(pool, t)).toEqual({ owned: false, history: [], health: null, memberName: null });
    expect(await conversation('me', t.conversationId)).toBeUndefined();
    expect(await stored('me', t.conversationId)).toEqual([]);
  });

  it("another user's conversation of the same id is never read or written: the user gets one of their own", async () => {
    const theirs = start({ userId: 'mum', question: '妈妈的私事' });
    await beginTurn(pool, theirs);
    const mine = await beginTurn(pool, start({ conversationId: theirs.conversationId, question: '我的问题' }));
    expect(mine.history).toEqual([]);
    expect(await stored('mum', theirs.conversationId)).toEqual([{ role: 'user', content: '妈妈的私事' }]);
    expect(await stored('me', theirs.conversationId)).toEqual([{ role: 'user', content: '我的问题' }]);
    // ...and without create, the other user's id is simply unknown.
    expect((await beginTurn(pool, start({ userId: 'nobody', conversationId: theirs.conversationId, create: false }))).owned).toBe(false);
  });

  it('a retried generation stores its question once', async () => {
    const t = start({});
    await beginTurn(pool, t);
    const again = await beginTurn(pool, { ...t, create: false });
    expect(again.history).toEqual([{ role: 'user', content: t.question }]);
    expect(await stored('me', t.conversationId)).toEqual([{ role: 'user', content: t.question }]);
  });

  it("reads the subject's health exactly as loadHealthSnapshot does, and the member's name", async () => {
    const ctx = await beginTurn(pool, start({ memberId: 'mum', healthOf: 'mum', nameOf: 'mum' }));
    expect(ctx.health).toEqual(await loadHealthSnapshot(pool, 'mum'));
    expect(ctx.health?.activity).toHaveLength(7);
    expect(ctx.health?.profile?.height_cm).toBe(158.5);
    expect(ctx.memberName).toBe('妈妈');
    const empty = await beginTurn(pool, start({ healthOf: 'me', nameOf: 'someone-unknown' }));
    expect(empty.health).toEqual({ profile: null, activity: [], sleep: [] });
    expect(empty.memberName).toBe('someone-unknown');
  });
});
