import { cronProblem, isTimeZone, shortestInterval } from '@aurawell/reminders';
import { z } from 'zod';
import { isoDateTime } from '@aurawell/protocol';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const OnceSchedule = z.object({
  type: z.literal('once'),
  run_at: z.iso.datetime({ offset: true }).describe('when it fires, ISO 8601 with offset; in the future'),
});
const CronSchedule = z.object({
  type: z.literal('cron'),
  cron: z.string().min(1).max(120).describe('5 fields (minute hour day month weekday) or 6 (seconds first)'),
  timezone: z.string().min(1).max(64).default(DEFAULT_TIME_ZONE).describe('IANA time zone the pattern is read in'),
});

/** A schedule, checked: a real time zone, a valid pattern no denser than `minIntervalSeconds`, a future time. */
export const scheduleSchema = (minIntervalSeconds: number) =>
  z.discriminatedUnion('type', [OnceSchedule, CronSchedule]).superRefine((s, ctx) => {
    if (s.type === 'once') {
      if (Date.parse(s.run_at) <= Date.now()) ctx.addIssue({ code: 'custom', path: ['run_at'], message: 'run_at must be in the future' });
      return;
    }
    if (!isTimeZone(s.timezone)) return ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${s.timezone}"` });
    const problem = cronProblem(s.cron, s.timezone);
    if (problem) return ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
    if (shortestInterval(s.cron, s.timezone) < minIntervalSeconds * 1000) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `reminders may repeat at most every ${minIntervalSeconds} seconds` });
    }
  });

const id = z.string().min(1).max(128);

/** Create (POST) and replace (PUT) bodies. `member_id` only on create: a reminder does not move between people. */
export const reminderBody = (minIntervalSeconds: number) =>
  z.object({
    title: z.string().trim().min(1).max(100),
    message: z.string().trim().min(1).max(500),
    schedule: scheduleSchema(minIntervalSeconds),
    goal_id: id.nullable().default(null).describe("a goal of the person reminded"),
    plan_id: id.nullable().default(null).describe('a health plan of the person reminded'),
    smart: z.boolean().default(false).describe('let the language model phrase it from recent data (plain text when it fails)'),
    enabled: z.boolean().default(true),
  });
export const createReminderBody = (minIntervalSeconds: number) =>
  reminderBody(minIntervalSeconds).extend({ member_id: id.optional().describe('whom it reminds: oneself (default) or a family member') });

export type ReminderBody = z.infer<ReturnType<typeof reminderBody>>;
export type CreateReminderBody = z.infer<ReturnType<typeof createReminderBody>>;

export const ReminderOut = z.object({
  id: z.string(),
  user_id: z.string().describe('the person it reminds'),
  created_by: z.string(),
  title: z.string(),
  message: z.string(),
  schedule: z.discriminatedUnion('type', [
    z.object({ type: z.literal('once'), run_at: isoDateTime }),
    z.object({ type: z.literal('cron'), cron: z.string(), timezone: z.string() }),
  ]),
  goal_id: z.string().nullable(),
  plan_id: z.string().nullable(),
  smart: z.boolean(),
  enabled: z.boolean(),
  next_run_at: isoDateTime.nullable().describe('the next occurrence; null when disabled or past'),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});

export const ReminderIdParams = z.object({ reminder_id: z.string() });
export const ListQuery = z.object({ member_id: id.optional().describe("whose reminders (default: the caller's)") });
export const DeliveriesQuery = z.object({
  unread_only: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
