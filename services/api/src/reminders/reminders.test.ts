import request from 'supertest';
import { recordDelivery } from '@aurawell/db';
import { authFor, createUser, expectHttpError, successData } from '../family/testing';
import { useTestApp, useTestEnv } from '../testing';

const env = useTestEnv();
const api = useTestApp(env);
let me: Record<string, string>;
let familyMember: Record<string, string>;
let stranger: Record<string, string>;
const BASE = '/api/v1/reminders';

const inMinutes = (m: number) => new Date(Date.now() + m * 60000).toISOString();
const body = (over: Record<string, unknown> = {}) => ({ title: '喝水', message: '起来喝杯水', schedule: { type: 'cron', cron: '0 9 * * *' }, ...over });

type ReminderOut = { id: string; user_id: string; created_by: string; next_run_at: string | null; schedule: Record<string, unknown>; enabled: boolean };
const create = async (auth: Record<string, string>, over: Record<string, unknown> = {}) =>
  successData(await request(api.app).post(BASE).set(auth).send(body(over)), 'Reminder created') as ReminderOut;

beforeAll(async () => {
  me = await authFor(api, 'user_001');
  familyMember = await authFor(api, 'user_002'); // shares the seeded demo family with user_001
  await createUser(env.pool, 'rem_stranger', { displayName: 'Stranger' });
  stranger = await authFor(api, 'rem_stranger');
});

describe('creating and reading reminders', () => {
  it('creates a repeating reminder in Asia/Shanghai by default, with its next occurrence, and schedules it', async () => {
    const r = await create(me);
    expect(r).toMatchObject({ user_id: 'user_001', created_by: 'user_001', enabled: true, schedule: { type: 'cron', cron: '0 9 * * *', timezone: 'Asia/Shanghai' } });
    // 09:00 in Shanghai is 01:00 UTC.
    expect(r.next_run_at).toMatch(/T01:00:00\.000Z$/);
    expect(await api.deps.reminders.getJobScheduler(`reminder-${r.id}`)).toMatchObject({ pattern: '0 9 * * *', tz: 'Asia/Shanghai' });
    const got = await request(api.app).get(`${BASE}/${r.id}`).set(me);
    expect(successData(got, 'Reminder retrieved')).toEqual(r);
  });

  it('creates a one-time reminder as one delayed job', async () => {
    const runAt = inMinutes(30);
    const r = await create(me, { schedule: { type: 'once', run_at: runAt } });
    expect(r.next_run_at).toBe(runAt);
    const job = await api.deps.reminders.getJob(`once-${r.id}-r1`);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.data).toMatchObject({ reminderId: r.id, revision: 1, dueAt: Date.parse(runAt) });
  });

  it('lets a family member set a reminder for another member, and lists it under that member', async () => {
    const r = await create(familyMember, { member_id: 'user_001', title: '吃药' });
    expect(r).toMatchObject({ user_id: 'user_001', created_by: 'user_002' });
    const list = successData(await request(api.app).get(`${BASE}?member_id=user_001`).set(familyMember), 'Reminders retrieved') as { reminders: ReminderOut[] };
    expect(list.reminders.map((x) => x.id)).toContain(r.id);
  });

  it('refuses reminders for someone outside the caller’s families (403) and hides others’ reminders (404)', async () => {
    expectHttpError(await request(api.app).post(BASE).set(stranger).send(body({ member_id: 'user_001' })), 403, 'You may not manage reminders for this family member', BASE);
    expectHttpError(await request(api.app).get(`${BASE}?member_id=user_001`).set(stranger), 403, 'You may not manage reminders for this family member', BASE);
    const mine = await create(me);
    const path = `${BASE}/${mine.id}`;
    expectHttpError(await request(api.app).get(path).set(stranger), 404, 'Reminder not found', path);
    expectHttpError(await request(api.app).delete(path).set(stranger), 404, 'Reminder not found', path);
    expectHttpError(await request(api.app).get(`${BASE}/not-a-uuid`).set(me), 404, 'Reminder not found', `${BASE}/not-a-uuid`);
  });

  it.each([
    ['an unknown time zone', { schedule: { type: 'cron', cron: '0 9 * * *', timezone: 'Mars/Olympus' } }, 'schedule.timezone'],
    ['a malformed cron pattern', { schedule: { type: 'cron', cron: '61 * * * *' } }, 'schedule.cron'],
    ['a cron pattern denser than once a minute', { schedule: { type: 'cron', cron: '*/5 * * * * *' } }, 'schedule.cron'],
    ['a one-time reminder in the past', { schedule: { type: 'once', run_at: inMinutes(-1) } }, 'schedule.run_at'],
    ['a time without offset', { schedule: { type: 'once', run_at: '2030-01-01T09:00:00' } }, 'schedule.run_at'],
    ['an empty title', { title: '  ' }, 'title'],
    ['an unknown schedule type', { schedule: { type: 'weekly' } }, 'schedule.type'],
  ])('answers 422 naming the field for %s, and stores nothing', async (_name, over, field) => {
    const before = await env.pool.query('SELECT count(*) FROM reminders');
    const res = await request(api.app).post(BASE).set(me).send(body(over));
    expect(res.status).toBe(422);
    const locs = (res.body as { detail: { loc: string[] }[] }).detail.map((d) => d.loc.join('.'));
    expect(locs).toContain(`body.${field}`);
    expect((await env.pool.query('SELECT count(*) FROM reminders')).rows).toEqual(before.rows);
  });

  it('refuses a goal or plan that is not the reminded person’s own', async () => {
    expectHttpError(await request(api.app).post(BASE).set(me).send(body({ goal_id: 'goal_nobody_x_1' })), 404, 'Goal not found', BASE);
    expectHttpError(await request(api.app).post(BASE).set(me).send(body({ plan_id: 'plan_nobody_1' })), 404, 'Health plan not found', BASE);
  });
});

describe('editing and deleting', () => {
  it('replacing a reminder bumps its revision and moves its jobs: the old schedule is gone', async () => {
    const r = await create(me, { schedule: { type: 'once', run_at: inMinutes(30) } });
    const path = `${BASE}/${r.id}`;
    const res = await request(api.app).put(path).set(me).send(body({ title: '改为每天', schedule: { type: 'cron', cron: '30 7 * * *', timezone: 'Europe/Berlin' } }));
    expect(successData(res, 'Reminder updated')).toMatchObject({ id: r.id, schedule: { type: 'cron', cron: '30 7 * * *', timezone: 'Europe/Berlin' } });
    expect(await api.deps.reminders.getJob(`once-${r.id}-r1`)).toBeUndefined();
    expect(await api.deps.reminders.getJobScheduler(`reminder-${r.id}`)).toMatchObject({ pattern: '30 7 * * *', tz: 'Europe/Berlin', template: { data: { revision: 2 } } });
  });

  it('disabling keeps the reminder but removes its jobs', async () => {
    const r = await create(me);
    const res = await request(api.app).put(`${BASE}/${r.id}`).set(me).send(body({ enabled: false }));
    expect(successData(res, 'Reminder updated')).toMatchObject({ enabled: false, next_run_at: null });
    expect(await api.deps.reminders.getJobScheduler(`reminder-${r.id}`)).toBeUndefined();
  });

  it('deleting removes the reminder, its scheduler and its deliveries', async () => {
    const r = await create(me);
    const res = await request(api.app).delete(`${BASE}/${r.id}`).set(me);
    expect(successData(res, 'Reminder deleted')).toEqual({ reminder_id: r.id });
    expect(await api.deps.reminders.getJobScheduler(`reminder-${r.id}`)).toBeUndefined();
    expect((await request(api.app).get(`${BASE}/${r.id}`).set(me)).status).toBe(404);
  });
});

describe('deliveries', () => {
  it('lists deliveries and marks them read once, for the owner only', async () => {
    const r = await create(me);
    const { delivery } = await recordDelivery(env.pool, { reminderId: r.id, userId: 'user_001', dueAt: new Date(), title: '喝水', message: '起来喝杯水', smart: false });
    const unread = successData(await request(api.app).get(`${BASE}/deliveries?unread_only=true`).set(me), 'Reminder deliveries retrieved') as {
      deliveries: { id: string; read_at: string | null }[];
      unread_count: number;
    };
    expect(unread.deliveries.map((d) => d.id)).toContain(delivery.id);
    expect(unread.unread_count).toBeGreaterThanOrEqual(1);
    const ACK = `${BASE}/deliveries/acknowledge`;
    // Someone else's acknowledge changes nothing.
    expect(successData(await request(api.app).post(ACK).set(stranger).send({ delivery_ids: [delivery.id] }), 'Reminders marked read')).toEqual({ delivery_ids: [] });
    expect(successData(await request(api.app).post(ACK).set(me).send({ delivery_ids: [delivery.id, 'junk'] }), 'Reminders marked read')).toEqual({ delivery_ids: [delivery.id] });
    expect(successData(await request(api.app).post(ACK).set(me).send({ delivery_ids: [delivery.id] }), 'Reminders marked read')).toEqual({ delivery_ids: [] });
    const after = successData(await request(api.app).get(`${BASE}/deliveries?unread_only=true`).set(me), 'Reminder deliveries retrieved') as { deliveries: { id: string }[] };
    expect(after.deliveries.map((d) => d.id)).not.toContain(delivery.id);
  });

  it('records an occurrence once, whoever records it again', async () => {
    const r = await create(me);
    const dueAt = new Date(Date.now() - 1000);
    const first = await recordDelivery(env.pool, { reminderId: r.id, userId: 'user_001', dueAt, title: 't', message: 'first text', smart: true });
    const second = await recordDelivery(env.pool, { reminderId: r.id, userId: 'user_001', dueAt, title: 't', message: 'second text', smart: false });
    expect(first.created).toBe(true);
    expect(second).toEqual({ delivery: first.delivery, created: false });
  });
});
