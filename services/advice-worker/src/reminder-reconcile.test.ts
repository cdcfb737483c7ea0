import { createPool, createReminder, recordDelivery, type Pool } from '@aurawell/db';
import { createKeys, createLogger, createRedis } from '@aurawell/platform';
import { createReminderQueue, scheduleReminder } from '@aurawell/reminders';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix, testRedisUrl, type TestDatabase } from '@aurawell/testkit';
import { reconcileReminders } from './reminder-reconcile';

const logger = createLogger('reconcile-test', 'silent');
let database: TestDatabase;
let pool: Pool;
const prefix = testPrefix();
const keys = createKeys(prefix);
const redis = createRedis(testRedisUrl(), { name: 'reconcile-test', role: 'command', logger });
const queue = createReminderQueue(redis, keys);
const deps = () => ({ db: pool, redis, keys, queue, logger });
const fields = { title: 't', message: 'm', goalId: null, planId: null, smart: false, enabled: true };

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, logger);
});
afterAll(async () => {
  await queue.close();
  await deleteKeysWithPrefix(prefix);
  await redis.quit();
  await pool.end();
  await database.drop();
});

test('reminders missing from the queue are scheduled again, once; delivered or disabled ones are left alone', async () => {
  const cron = await createReminder(pool, 'u1', 'u1', { ...fields, schedule: { type: 'cron', cron: '0 9 * * *', timezone: 'Asia/Shanghai' } });
  const once = await createReminder(pool, 'u1', 'u1', { ...fields, schedule: { type: 'once', runAt: new Date(Date.now() + 3600000) } });
  const kept = await createReminder(pool, 'u1', 'u1', { ...fields, schedule: { type: 'cron', cron: '0 8 * * *', timezone: 'Asia/Shanghai' } });
  await scheduleReminder(queue, kept);
  const past = new Date(Date.now() - 60000);
  const delivered = await createReminder(pool, 'u1', 'u1', { ...fields, schedule: { type: 'once', runAt: past } });
  await recordDelivery(pool, { reminderId: delivered.id, userId: 'u1', dueAt: past, title: 't', message: 'm', smart: false });
  await createReminder(pool, 'u1', 'u1', { ...fields, enabled: false, schedule: { type: 'cron', cron: '0 7 * * *', timezone: 'Asia/Shanghai' } });

  expect(await reconcileReminders(deps())).toBe(2);
  expect(await queue.getJobScheduler(`reminder-${cron.id}`)).toMatchObject({ pattern: '0 9 * * *' });
  expect(await (await queue.getJob(`once-${once.id}-r1`))?.getState()).toBe('delayed');
  expect(await queue.getJobSchedulersCount()).toBe(2);
  // Idempotent: nothing is missing any more.
  expect(await reconcileReminders(deps())).toBe(0);
  expect(await queue.getJobSchedulersCount()).toBe(2);
  expect(await queue.getDelayedCount()).toBe(3); // the next occurrence of each scheduler, and the one-time job
});

test('one worker of the fleet reconciles at a time', async () => {
  await redis.set(keys.remindersReconcileLock, 'other', 'PX', 5000);
  expect(await reconcileReminders(deps())).toBeNull();
  await redis.del(keys.remindersReconcileLock);
});
