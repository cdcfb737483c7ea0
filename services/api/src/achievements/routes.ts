import type { Logger, TokenService } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { Response } from 'express';
import { z } from 'zod';
import { flatOf, isoDateTime } from '@aurawell/protocol';
import { startOfDayIso } from '../dates';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { routeFault } from '../http/route-fault';
import { loadActivityBests, type AchievementTargets, type ActivityBests } from './store';

/** Contract §2.0 Achievement (route 35). */
export const Achievement = z.object({
  achievement_id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  progress: z.number().min(0).max(100),
  is_completed: z.boolean(),
  completed_at: isoDateTime.nullable(),
  reward_points: z.int().nullable(),
});

export type Achievement = z.infer<typeof Achievement>;

export const ACHIEVEMENT_TARGETS: AchievementTargets = { distanceKm: 5, calories: 500, streakDays: 7 };

/**
 * Contract route 35's table. Each definition reads its best value and the day it was first
 * reached from the stored activity. Stored records carry no time of day, so "morning exercise"
 * is counted as a day with at least one exercise session.
 */
const DEFINITIONS = [
  {
    type: 'daily_steps', title: 'First Steps', description: '完成第一次步数记录', category: 'activity', points: 10, target: 1,
    best: (b: ActivityBests) => (b.firstStepDay ? 1 : 0), reachedOn: (b: ActivityBests) => b.firstStepDay,
  },
  {
    type: 'consecutive_days', title: 'Early Bird', description: '连续7天早起运动', category: 'consistency', points: 25,
    target: ACHIEVEMENT_TARGETS.streakDays, best: (b: ActivityBests) => b.longestExerciseStreak, reachedOn: (b: ActivityBests) => b.streakReachedOn,
  },
  {
    type: 'distance_covered', title: 'Distance Walker', description: '单日步行距离超过5公里', category: 'distance', points: 15,
    target: ACHIEVEMENT_TARGETS.distanceKm, best: (b: ActivityBests) => b.bestDistanceKm ?? 0, reachedOn: (b: ActivityBests) => b.distanceReachedOn,
  },
  {
    type: 'calorie_burn', title: 'Calorie Burner', description: '单日燃烧卡路里超过500', category: 'calories', points: 20,
    target: ACHIEVEMENT_TARGETS.calories, best: (b: ActivityBests) => b.bestCalories ?? 0, reachedOn: (b: ActivityBests) => b.caloriesReachedOn,
  },
] as const;

/**
 * progress = min(100, best / target × 100), one decimal, and 100 only once the target is reached
 * (rounding never completes one early); completed at the start of the day it was first reached.
 */
export const buildAchievements = (userId: string, bests: ActivityBests): Achievement[] =>
  DEFINITIONS.map((d) => {
    const best = Math.max(0, d.best(bests));
    const isCompleted = best >= d.target;
    const progress = isCompleted ? 100 : Math.min(99.9, Math.round((best / d.target) * 1000) / 10);
    const reachedOn = d.reachedOn(bests);
    return {
      achievement_id: `ach_${userId}_${d.type}`,
      title: d.title,
      description: d.description,
      category: d.category,
      progress,
      is_completed: isCompleted,
      completed_at: isCompleted && reachedOn ? startOfDayIso(reachedOn) : null,
      reward_points: d.points,
    };
  });

export const AchievementsResponse = flatOf({
  achievements: z.array(Achievement),
  total_points: z.int(),
  completed_count: z.int(),
  in_progress_count: z.int(),
});

export type AchievementDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

const getAchievements =
  ({ pool, logger }: AchievementDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const bests = await loadActivityBests(pool, userId, ACHIEVEMENT_TARGETS).catch(
      routeFault(logger, 'Failed to retrieve achievements', { userId }),
    );
    const achievements = buildAchievements(userId, bests);
    const completed = achievements.filter((a) => a.is_completed);
    sendSuccess(res, 'Achievements retrieved successfully', null, {
      achievements,
      total_points: completed.reduce((sum, a) => sum + (a.reward_points ?? 0), 0),
      completed_count: completed.length,
      in_progress_count: achievements.length - completed.length,
    });
  };

/** Route 35: achievements computed from stored activity. */
export const achievementRoutes = (deps: AchievementDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/achievements',
    summary: "The caller's achievements, computed from stored activity",
    tag: 'achievements',
    auth: true,
    response: AchievementsResponse,
    errors: [500],
    revalidate: true,
    handle: getAchievements(deps),
  }),
];
