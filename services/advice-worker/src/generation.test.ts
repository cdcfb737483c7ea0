import { randomUUID } from 'node:crypto';
import { createPool, newConversationId } from '@aurawell/db';
import { chatStreamFrame, statusUpdateFrame, terminalStatuses } from '@aurawell/protocol';
import { runGeneration } from './generation';
import { createLlmStream } from './llm';
import {
  baseDeps,
  conversationOwner,
  db,
  deltas,
  expectFailure,
  expectWellFormed,
  keys,
  llmSettings,
  logger,
  newUser,
  pool,
  promptOf,
  redis,
  registry,
  runCase,
  sim,
  statusOf,
  store,
  tagged,
  turns,
  useGenerationTestEnv,
  waitFor,
} from './generation.fixture';

useGenerationTestEnv();

describe('a plain generation', () => {
  it('health chat: contiguous seq, sending → streaming → deltas → done, text exactly the model’s', async () => {
    const message = tagged('  我最近总是失眠，晚上 **2 点**才睡着，怎么办？😴  ');
    const r = await runCase({ message, context: { mood: 'tired', sleep_hours: 5 } });
    expect(r.outcome).toBe('done');
    const data = expectWellFormed(r, 'done');
    const text = deltas(r.frames, 'chat_stream').join('');
    expect(deltas(r.frames, 'chat_stream').length).toBeGreaterThan(50);
    expect(deltas(r.frames, 'reasoning_stream')).toEqual([]);
    expect(r.transcripts).toHaveLength(1);
    expect(r.transcript?.completed).toBe(true);
    expect(text).toBe(r.transcript?.content);
    expect(data.full_response).toBe(text);
    expect(data).toMatchObject({ conversation_id: r.conversationId, message_id: r.messageId, finish_reason: 'stop' });
    expect(data.response_length).toBe([...text].length);
    expect(data.response_length).toBeLessThan(text.length); // the answer has emoji: code points, not UTF-16 units
    expect(data.usage).toMatchObject({ completion_tokens: r.transcript?.tokens.length, prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) });

    // The prompt: Chinese system prompt, the context, and the user's message last and verbatim.
    const prompt = promptOf(r.transcript);
    expect(prompt[0]?.role).toBe('system');
    expect(prompt[0]?.content).toContain('AuraWell 健康助手');
    expect(prompt.some((m) => m.role === 'system' && m.content.includes('"sleep_hours":5'))).toBe(true);
    expect(prompt.at(-1)).toEqual({ role: 'user', content: message });

    // Stored: the conversation (allocated by the gateway), the user's and the assistant's turn.
    expect(await conversationOwner(r.conversationId)).toBe(r.userId);
    const stored = await turns(r.messageId);
    expect(stored).toEqual([
      { role: 'user', content: message, status: 'complete', conversation_id: r.conversationId, user_id: r.userId, usage: null },
      { role: 'assistant', content: text, status: 'complete', conversation_id: r.conversationId, user_id: r.userId, usage: expect.objectContaining({ completion_tokens: r.transcript?.tokens.length }) },
    ]);
    // The generation left the user's running set.
    expect(await redis.zscore(keys.userGenerations(r.userId), r.messageId)).toBeNull();
    expect((await store.meta(r.userId, r.messageId))?.status).toBe('done');
  });

  it('every frame is also stored for replay, identical to what was published', async () => {
    const message = tagged('replay check');
    const user = await newUser();
    const r = await runCase({ message, user, kind: 'general' });
    expect(r.outcome).toBe('done');
    const stored = await store.framesAfter(r.userId, r.messageId, 0);
    expect(stored.map((s) => s.seq)).toEqual(r.frames.map((f) => f.seq));
    expect(stored.map((s) => s.frame)).toEqual(user.raw().filter((m) => m.includes(r.messageId)));
  });

  it('general chat uses the general prompt and stores into an existing conversation, with its history', async () => {
    const user = await newUser();
    const first = await runCase({ message: tagged('第一个问题'), user, kind: 'general' });
    expect(first.outcome).toBe('done');
    const firstAnswer = deltas(first.frames, 'chat_stream').join('');
    const message = tagged('第二个问题');
    const second = await runCase({ message, user, kind: 'general', conversationId: first.conversationId, newConversation: false });
    expect(second.outcome).toBe('done');
    expectWellFormed(second, 'done');
    const prompt = promptOf(second.transcript);
    expect(prompt[0]?.content).toContain('AuraWell 智能助手');
    expect(prompt.slice(1)).toEqual([
      { role: 'user', content: first.job.message },
      { role: 'assistant', content: firstAnswer },
      { role: 'user', content: message },
    ]);
    expect((await turns(second.messageId)).map((t) => t.conversation_id)).toEqual([first.conversationId, first.conversationId]);
  });

  it('thinking mode: reasoning_stream frames, never mixed into chat_stream or full_response', async () => {
    const message = tagged('想一想：每天应该走多少步？');
    const r = await runCase({ message, deps: { llm: createLlmStream(llmSettings({ thinking: true })) } });
    expect(r.outcome).toBe('done');
    const data = expectWellFormed(r, 'done');
    expect(r.transcript?.thinking).toBe(true);
    const reasoning = deltas(r.frames, 'reasoning_stream');
    const content = deltas(r.frames, 'chat_stream');
    expect(reasoning.length).toBeGreaterThan(0);
    expect(reasoning.join('')).toBe(r.transcript?.reasoning);
    expect(content.join('')).toBe(r.transcript?.content);
    expect(data.full_response).toBe(r.transcript?.content);
    expect(String(data.full_response)).not.toContain(reasoning.join(''));
    // The reasoning comes first, then the answer.
    const lastReasoning = r.frames.map((f) => f.type).lastIndexOf('reasoning_stream');
    const firstContent = r.frames.findIndex((f) => f.type === 'chat_stream');
    expect(lastReasoning).toBeLessThan(firstContent);
    expect((await turns(r.messageId)).find((t) => t.role === 'assistant')?.content).toBe(r.transcript?.content);
  });

  it('a family member the user may act for personalises the advice with the member’s data', async () => {
    const user = await newUser();
    const member = `m_${randomUUID().slice(0, 8)}`;
    const family = randomUUID();
    await pool.query(`INSERT INTO users (id, username, password_hash, display_name) VALUES ($1, $1, 'x', NULL), ($2, $2, 'x', '妈妈')`, [user.userId, member]);
    await pool.query(`INSERT INTO user_profiles (user_id, age, gender) VALUES ($1, 62, 'female')`, [member]);
    await pool.query(`INSERT INTO families (id, name, owner_id) VALUES ($1, 'home', $2)`, [family, user.userId]);
    await pool.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'owner'), ($1, $3, 'viewer')`, [family, user.userId, member]);
    const r = await runCase({ message: tagged('妈妈的睡眠怎么样'), user, activeMemberId: member });
    expect(r.outcome).toBe('done');
    const health = promptOf(r.transcript).find((m) => m.content.includes('家庭成员'));
    expect(health?.content).toContain('「妈妈」');
    expect(health?.content).toContain('年龄 62 岁');
  });
});

describe('one-off advice (the REST advice routes)', () => {
  it('uses the personalised prompt with the extra instructions, honours maxTokens and stores no turn', async () => {
    const user = await newUser();
    await pool.query(`INSERT INTO users (id, username, password_hash) VALUES ($1, $1, 'x')`, [user.userId]);
    await pool.query(`INSERT INTO user_profiles (user_id, age, weight_kg) VALUES ($1, 45, 80)`, [user.userId]);
    const message = tagged('请给出饮食建议');
    const r = await runCase({ message, user, kind: 'advice', job: { instructions: '请用 ### 标题分五个部分回答', maxTokens: 7, persist: false } });
    const done = r.frames.find((f) => f.type === 'status_update' && f.status === 'done');
    expect(done?.data).toMatchObject({ finish_reason: 'length' });
    expect(deltas(r.frames, 'chat_stream')).toHaveLength(7);
    const prompt = r.transcript?.messages as { role: string; content: string }[];
    expect(prompt.map((m) => m.role)).toEqual(['system', 'system', 'system', 'user']);
    expect(prompt[2]?.content).toBe('请用 ### 标题分五个部分回答');
    expect(prompt[1]?.content).toContain('年龄 45 岁');
    expect(await turns(r.messageId)).toEqual([]);
  });
});

describe('cancel', () => {
  it('aborting the signal after a few deltas → cancelled with the partial answer, upstream aborted', async () => {
    const message = tagged('[[sim:tps=20]] 讲讲饮食');
    const r = await runCase({
      message,
      during: async ({ user, messageId, abort }) => {
        await waitFor(() => user.frames().filter((f) => f.message_id === messageId && f.type === 'chat_stream').length >= 3, 'three deltas');
        abort();
      },
    });
    expect(r.outcome).toBe('cancelled');
    const data = expectWellFormed(r, 'cancelled');
    const sent = deltas(r.frames, 'chat_stream');
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThan(20);
    expect(data.partial_response).toBe(sent.join(''));
    expect(data.response_length).toBe([...sent.join('')].length);
    expect(r.transcript?.content.startsWith(sent.join(''))).toBe(true);
    await waitFor(() => sim.transcripts().find((t) => t.id === r.transcript?.id)?.aborted === true, 'the upstream abort');
    expect(sim.transcripts().find((t) => t.id === r.transcript?.id)?.completed).toBe(false);
    const assistant = (await turns(r.messageId)).find((t) => t.role === 'assistant');
    expect(assistant).toMatchObject({ status: 'cancelled', content: sent.join('') });
  });

  it('cancel requested before the run → cancelled without calling the model', async () => {
    const message = tagged('取消我');
    const r = await runCase({ message, beforeRun: ({ userId, messageId }) => store.requestCancel(userId, messageId) });
    expect(r.outcome).toBe('cancelled');
    const data = expectWellFormed(r, 'cancelled', { streaming: false });
    expect(r.frames.map(statusOf)).toEqual(['sending', 'cancelled']);
    expect(data.partial_response).toBe('');
    expect(r.transcripts).toEqual([]);
    // Nothing was generated and no conversation was set up: nothing to store (and no failed insert).
    expect(await turns(r.messageId)).toEqual([]);
  });

  it('the signal aborted before the model is asked → cancelled, no request sent', async () => {
    const message = tagged('还没开始就取消');
    const r = await runCase({ message, during: async ({ abort }) => abort() });
    expect(r.outcome).toBe('cancelled');
    const data = expectWellFormed(r, 'cancelled');
    expect(data.partial_response).toBe('');
    expect(deltas(r.frames, 'chat_stream')).toEqual([]);
    expect(r.transcripts).toEqual([]);
    expect((await turns(r.messageId)).find((t) => t.role === 'assistant')).toMatchObject({ status: 'cancelled', content: '' });
  });

  it('cancel requested before the run in an existing conversation stores nothing either', async () => {
    const user = await newUser();
    const first = await runCase({ message: tagged('先聊一句'), user });
    expect(first.outcome).toBe('done');
    const r = await runCase({
      message: tagged('马上取消'),
      user,
      conversationId: first.conversationId,
      newConversation: false,
      beforeRun: ({ userId, messageId }) => store.requestCancel(userId, messageId),
    });
    expect(r.outcome).toBe('cancelled');
    expectWellFormed(r, 'cancelled', { streaming: false });
    expect(await turns(r.messageId)).toEqual([]);
  });
});

describe('fencing', () => {
  it('a new claim silences the running attempt: no frame from it afterwards, outcome fenced, upstream aborted', async () => {
    const message = tagged('[[sim:tps=20]] 被接管');
    let claimedAt = 0;
    const r = await runCase({
      message,
      during: async ({ user, userId, messageId }) => {
        await waitFor(() => user.frames().filter((f) => f.message_id === messageId && f.type === 'chat_stream').length >= 2, 'two deltas');
        claimedAt = (await store.claim(userId, messageId, 'another-attempt')) ?? -1;
      },
    });
    expect(r.outcome).toBe('fenced');
    expect(r.logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(claimedAt).toBeGreaterThanOrEqual(4);
    expect(r.frames.map((f) => f.seq)).toEqual(Array.from({ length: claimedAt }, (_, i) => i + 1));
    expect(r.frames.some((f) => statusOf(f) !== null && terminalStatuses.has(statusOf(f)!))).toBe(false);
    expect(await store.framesAfter(r.userId, r.messageId, claimedAt)).toEqual([]);
    expect(await store.meta(r.userId, r.messageId)).toMatchObject({ owner: 'another-attempt', seq: claimedAt });
    await waitFor(() => sim.transcripts().find((t) => t.id === r.transcript?.id)?.aborted === true, 'the upstream abort');
  });
});


describe('takeover after a worker died', () => {
  it('a second attempt announces the restart, then streams a whole answer that alone is full_response', async () => {
    const message = tagged('被重启的生成');
    const r = await runCase({
      message,
      beforeRun: async ({ userId, messageId }) => {
        // What a worker that died mid-answer left behind: streaming and two deltas.
        const ref = { messageId, conversationId: 'ignored' };
        const dead = 'dead-worker';
        await store.claim(userId, messageId, dead);
        const frames = [statusUpdateFrame(ref, 2, 'streaming'), chatStreamFrame(ref, 3, '旧的'), chatStreamFrame(ref, 4, '文字')];
        for (const f of frames) await store.append({ userId, messageId, owner: dead, seq: f.seq!, frame: JSON.stringify(f) });
      },
    });
    expect(r.outcome).toBe('done');
    const after = r.frames.filter((f) => (f.seq ?? 0) >= 5);
    expect(after[0]).toMatchObject({ type: 'status_update', status: 'streaming', seq: 5, data: { restart: true, reason: 'worker_restarted' } });
    const text = deltas(after, 'chat_stream').join('');
    const done = after.find((f) => statusOf(f) === 'done');
    expect((done?.data as { full_response: string }).full_response).toBe(text);
    expect(text).toBe(r.transcript?.content);
    expect(r.frames.map((f) => f.seq)).toEqual(r.frames.map((_, i) => i + 1));
  });
});

describe('refusals', () => {
  it('a conversation of another user → CONVERSATION_NOT_FOUND, the model not called, nothing stored', async () => {
    const foreign = newConversationId('someone_else');
    await pool.query(`INSERT INTO conversations (id, user_id) VALUES ($1, 'someone_else')`, [foreign]);
    const message = tagged('别人的会话');
    const r = await runCase({ message, conversationId: foreign, newConversation: false });
    expectFailure(r, 'CONVERSATION_NOT_FOUND');
    expect(r.transcripts).toEqual([]);
    expect(await turns(r.messageId)).toEqual([]);
    expect(await conversationOwner(foreign)).toBe('someone_else');
  });

  it('an unknown conversation id with newConversation false → CONVERSATION_NOT_FOUND', async () => {
    const r = await runCase({ message: tagged('不存在的会话'), conversationId: newConversationId('x'), newConversation: false });
    expectFailure(r, 'CONVERSATION_NOT_FOUND');
    expect(r.transcripts).toEqual([]);
  });

  it('newConversation with an id another user has: a conversation of this user’s own, the other one untouched', async () => {
    const shared = 'conv_123'; // the id the original's usage guide hard-codes: every such client uses it
    await pool.query(`INSERT INTO conversations (id, user_id) VALUES ($1, 'someone_else') ON CONFLICT DO NOTHING`, [shared]);
    const message = tagged('同名会话');
    const r = await runCase({ message, conversationId: shared, newConversation: true });
    expectWellFormed(r, 'done');
    const owners = await pool.query<{ user_id: string }>('SELECT user_id FROM conversations WHERE id = $1 ORDER BY user_id', [shared]);
    expect(owners.rows.map((o) => o.user_id)).toEqual(expect.arrayContaining(['someone_else', r.userId]));
    const theirs = await pool.query('SELECT 1 FROM messages WHERE conversation_id = $1 AND user_id = $2', [shared, 'someone_else']);
    expect(theirs.rows).toEqual([]);
    expect((await turns(r.messageId)).map((t) => [t.user_id, t.conversation_id])).toEqual([[r.userId, shared], [r.userId, shared]]);
  });

  it('an activeMemberId the user may not act for → FAMILY_ACCESS_DENIED, no data read, model not called', async () => {
    const stranger = `s_${randomUUID().slice(0, 8)}`;
    await pool.query(`INSERT INTO users (id, username, password_hash) VALUES ($1, $1, 'x')`, [stranger]);
    await pool.query(`INSERT INTO user_profiles (user_id, age) VALUES ($1, 40)`, [stranger]);
    const message = tagged('看看他的数据');
    const r = await runCase({ message, activeMemberId: stranger });
    expectFailure(r, 'FAMILY_ACCESS_DENIED');
    expect(r.transcripts).toEqual([]);
    expect(await turns(r.messageId)).toEqual([]);
    expect(await conversationOwner(r.conversationId)).toBeNull();
  });

  // Security review (issue 12): a NUL in the member id made PostgreSQL throw inside the checks, the
  // catch answered anyway and stored the answer in another user's conversation. Checks fail closed.
  it.each([
    ['a NUL in the member id', 'x\u0000'],
    ['a lone surrogate in the member id', 'x\ud800'],
  ])('%s with another user’s conversation → refused, the model not called, nothing stored there', async (_what, member) => {
    const foreign = newConversationId('victim');
    await pool.query(`INSERT INTO conversations (id, user_id) VALUES ($1, 'victim')`, [foreign]);
    const message = tagged('写进别人的会话');
    const r = await runCase({ message, conversationId: foreign, newConversation: false, activeMemberId: member });
    expect(r.outcome).toBe('error');
    const error = r.frames.find((f) => f.type === 'error') as { error_code?: string } | undefined;
    expect(['SERVICE_UNAVAILABLE', 'FAMILY_ACCESS_DENIED', 'CONVERSATION_NOT_FOUND']).toContain(error?.error_code);
    expect(r.transcripts).toEqual([]);
    const { rows } = await pool.query('SELECT 1 FROM messages WHERE conversation_id = $1', [foreign]);
    expect(rows).toEqual([]);
  });

  it('a database that fails during the checks → SERVICE_UNAVAILABLE, never an answer without the checks', async () => {
    // A real client of a PostgreSQL that is not there (nothing listens on port 1).
    const unreachable = createPool('postgres://postgres@127.0.0.1:1/none', logger);
    const message = tagged('数据库不可用');
    const r = await runCase({ message, activeMemberId: 'someone', deps: { db: unreachable } }).finally(() => unreachable.end());
    expect(r.outcome).toBe('error');
    expect(r.frames.find((f) => f.type === 'error')).toMatchObject({ error_code: 'SERVICE_UNAVAILABLE' });
    expect(r.transcripts).toEqual([]);
  });

  it('a job whose generation no longer exists → skipped, nothing published, model not called', async () => {
    const message = tagged('过期了');
    const r = await runCase({ message, noStart: true });
    expect(r.outcome).toBe('skipped');
    expect(r.logs).toEqual([]);
    expect(r.frames).toEqual([]);
    expect(r.transcripts).toEqual([]);
    expect(await turns(r.messageId)).toEqual([]);
  });

  it('a job run again after its generation finished → skipped, nothing more published', async () => {
    const user = await newUser();
    const message = tagged('再来一次');
    const first = await runCase({ message, user });
    expect(first.outcome).toBe('done');
    const before = user.raw().length;
    expect(await runGeneration(first.job, baseDeps, new AbortController().signal)).toBe('skipped');
    await user.flush();
    expect(user.raw().length).toBe(before);
    expect(sim.transcripts().filter((t) => t.lastUserMessage === message)).toHaveLength(1);
  });
});

describe('metrics', () => {
  it('count generations by terminal status and errors by code', async () => {
    const value = async (name: string, label: Record<string, string>) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const v = (metric?.values ?? []).find((x) => Object.entries(label).every(([k, l]) => x.labels[k] === l));
      return Number(v?.value ?? 0);
    };
    const done = await value('aurawell_worker_generations_total', { status: 'done' });
    const rejected = await value('aurawell_llm_errors_total', { code: 'UPSTREAM_REJECTED' });
    expect((await runCase({ message: tagged('计数') })).outcome).toBe('done');
    expect((await runCase({ message: tagged('[[sim:status=401]] 计数') })).outcome).toBe('error');
    expect(await value('aurawell_worker_generations_total', { status: 'done' })).toBe(done + 1);
    expect(await value('aurawell_llm_errors_total', { code: 'UPSTREAM_REJECTED' })).toBe(rejected + 1);
  });
});
