import { z } from 'zod';
import { isoDateTime } from '@aurawell/protocol';
import { parseIsoDay } from '../dates';

/** Request and response shapes of routes 47–48 (contract §2.10). */

export const CHALLENGE_TYPES = ['activity', 'nutrition', 'sleep', 'weight_management'] as const;

const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { abort: true })
  .refine((v) => parseIsoDay(v) !== null, 'Input should be a valid date')
  .describe('date, YYYY-MM-DD');

/** Route 48 body. */
export const CreateChallengeRequest = z.object({
  title: z.string().min(1).max(100),
  description: z.string().min(1).max(500),
  challenge_type: z.enum(CHALLENGE_TYPES),
  target_metric: z.string().describe('e.g. steps, daily_steps, calories_burned, active_minutes, sleep_hours, sleep_quality, weight_loss'),
  target_value: z.number().gt(0),
  duration_days: z.int().min(1).max(90).default(7),
  start_date: calendarDay.nullable().optional().describe('YYYY-MM-DD; today when absent'),
  participants: z.array(z.string()).default([]),
  rewards: z.array(z.string()).default([]),
});

const identity = {
  challenge_id: z.string(),
  title: z.string(),
  description: z.string(),
  challenge_type: z.string(),
  target_metric: z.string(),
  target_value: z.number(),
};

export const ParticipantProgress = z.object({ user_id: z.string(), progress: z.number().min(0).max(100), completed: z.boolean() });

export const ActiveChallenge = z.object({
  ...identity,
  start_date: z.string(),
  end_date: z.string(),
  progress: z.object({
    completion_percentage: z.number(), participants_completed: z.int(), total_participants: z.int(),
    current_leader: z.string().nullable(), days_remaining: z.int().nullable(),
  }),
  participants: z.array(ParticipantProgress),
  status: z.string(),
});

export const CompletedChallenge = z.object({
  ...identity,
  completed_date: z.string(),
  results: z.object({
    winner: z.string().nullable(), completion_rate: z.number(), total_participants: z.int(), participants_completed: z.int(),
    participants: z.array(ParticipantProgress),
  }),
});

export const UpcomingChallenge = z.object({ ...identity, start_date: z.string(), end_date: z.string(), participants_registered: z.int() });

/** Route 47 `data`. */
export const FamilyChallengesData = z.object({
  family_id: z.string(),
  retrieved_at: isoDateTime,
  active_challenges: z.array(ActiveChallenge),
  completed_challenges: z.array(CompletedChallenge),
  upcoming_challenges: z.array(UpcomingChallenge),
  challenge_summary: z.object({
    total_active: z.int(), total_completed: z.int(), total_upcoming: z.int(), family_points: z.int(), family_rank: z.int(),
  }),
});

/** Route 48 `data`. */
export const CreateChallengeData = z.object({
  challenge_id: z.string().describe('challenge_{family_id}_{YYYYMMDD_HHMMSS}'),
  family_id: z.string(),
  title: z.string(),
  description: z.string(),
  challenge_type: z.enum(CHALLENGE_TYPES),
  target_metric: z.string(),
  target_value: z.number(),
  duration_days: z.int(),
  start_date: z.string(),
  end_date: z.string().describe('start_date + duration_days'),
  participants: z.array(z.string()),
  rewards: z.array(z.string()),
  status: z.literal('active'),
  created_at: isoDateTime,
  created_by: z.string(),
  progress: z.object({ completion_percentage: z.number(), participants_joined: z.int(), current_leader: z.string().nullable() }),
});
