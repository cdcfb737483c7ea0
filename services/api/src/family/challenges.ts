import type { z } from 'zod';
import type { ChallengeRow } from './store/challenges';
import type { DayRecord } from './store/metrics';
import type { ActiveChallenge, CompletedChallenge, FamilyChallengesData, ParticipantProgress, UpcomingChallenge } from './challenge-schemas';
import { addDays, daysBetween } from '../dates';
import { lastWeightBefore, weightChange, within } from './member-stats';
import { mean, present, round, sum } from './stats';

type Progress = z.infer<typeof ParticipantProgress>;
export type FamilyChallenges = z.infer<typeof FamilyChallengesData>;

type Field = 'steps' | 'calories_burned' | 'active_minutes' | 'sleep_hours' | 'sleep_efficiency' | 'calorie_intake' | 'protein_grams' | 'carb_grams';

/**
 * How a `target_metric` is measured from the participant's records over the challenge days:
 * cumulative fields sum, the others average; `daily_<metric>` counts the days reaching the target
 * (progress = those days / duration); `weight_loss` is kg lost since the start. Other names have
 * no data source and make no progress.
 */
const FIELDS: Record<string, Field> = {
  steps: 'steps', calories: 'calories_burned', calories_burned: 'calories_burned', active_minutes: 'active_minutes',
  sleep_hours: 'sleep_hours', sleep_quality: 'sleep_efficiency', calorie_intake: 'calorie_intake',
  protein_grams: 'protein_grams', carb_grams: 'carb_grams',
};
const CUMULATIVE: ReadonlySet<Field> = new Set(['steps', 'calories_burned', 'active_minutes']);

/** Points a family earns for each participant who reached the target of a finished challenge. */
export const POINTS_PER_COMPLETION = 100;

/** Records of the challenge days: from the start for `duration_days` days (the end date is the day after). */
const challengeDays = (c: ChallengeRow, records: readonly DayRecord[]) => within(records, c.start_date, addDays(c.end_date, -1));

/** Raw value and 0–100 progress of one participant. */
export const participantProgress = (c: ChallengeRow, records: readonly DayRecord[], earlierWeight: number | null): { value: number; progress: number } => {
  const days = challengeDays(c, records);
  const metric = c.target_metric.trim().toLowerCase();
  let value = 0;
  let progress = 0;
  if (metric === 'weight_loss') {
    const change = weightChange(lastWeightBefore(records, c.start_date, earlierWeight), days);
    value = change === null ? 0 : Math.max(0, -change);
    progress = (value / c.target_value) * 100;
  } else if (metric.startsWith('daily_') && FIELDS[metric.slice(6)]) {
    const field = FIELDS[metric.slice(6)]!;
    value = days.filter((d) => (d[field] ?? -Infinity) >= c.target_value).length;
    progress = (value / c.duration_days) * 100;
  } else if (FIELDS[metric]) {
    const field = FIELDS[metric]!;
    value = CUMULATIVE.has(field) ? sum(present(days, field)) : (mean(present(days, field)) ?? 0);
    progress = (value / c.target_value) * 100;
  }
  return { value, progress: round(Math.min(100, Math.max(0, progress)), 1) };
};

type Scored = { rows: Progress[]; leader: string | null; completed: number };

/** Every participant's progress; the leader is the furthest along (ties: the larger raw value, then list order). */
const scoreParticipants = (c: ChallengeRow, records: ReadonlyMap<string, DayRecord[]>, earlier: ReadonlyMap<string, number>): Scored => {
  const scored = c.participants.map((userId) => ({ userId, ...participantProgress(c, records.get(userId) ?? [], earlier.get(userId) ?? null) }));
  const ranked = [...scored].sort((a, b) => b.progress - a.progress || b.value - a.value);
  const leader = ranked[0] && ranked[0].value > 0 ? ranked[0].userId : null;
  const rows = scored.map((s) => ({ user_id: s.userId, progress: s.progress, completed: s.progress >= 100 }));
  return { rows, leader, completed: rows.filter((r) => r.completed).length };
};

const identity = (c: ChallengeRow) => ({
  challenge_id: c.id, title: c.title, description: c.description, challenge_type: c.challenge_type,
  target_metric: c.target_metric, target_value: c.target_value,
});

const active = (c: ChallengeRow, s: Scored, today: string): z.infer<typeof ActiveChallenge> => ({
  ...identity(c),
  start_date: c.start_date,
  end_date: c.end_date,
  progress: {
    completion_percentage: round(mean(s.rows.map((r) => r.progress)) ?? 0, 1),
    participants_completed: s.completed,
    total_participants: s.rows.length,
    current_leader: s.leader,
    days_remaining: Math.max(0, daysBetween(today, c.end_date)),
  },
  participants: s.rows,
  status: 'active',
});

const completed = (c: ChallengeRow, s: Scored): z.infer<typeof CompletedChallenge> => ({
  ...identity(c),
  completed_date: c.end_date,
  results: {
    winner: s.leader,
    completion_rate: s.rows.length ? round((s.completed / s.rows.length) * 100, 1) : 0,
    total_participants: s.rows.length,
    participants_completed: s.completed,
    participants: s.rows,
  },
});

const upcoming = (c: ChallengeRow): z.infer<typeof UpcomingChallenge> => ({
  ...identity(c), start_date: c.start_date, end_date: c.end_date, participants_registered: c.participants.length,
});

/** Route 47 `data`: split by date (start ≤ today ≤ end active; end < today completed; start > today upcoming). */
export const buildChallenges = (o: {
  familyId: string; today: string; now: Date; challenges: readonly ChallengeRow[];
  records: ReadonlyMap<string, DayRecord[]>; earlierWeights: ReadonlyMap<string, number>;
}): FamilyChallenges => {
  const isDone = (c: ChallengeRow) => c.end_date < o.today;
  const isUpcoming = (c: ChallengeRow) => c.start_date > o.today;
  const running = o.challenges.filter((c) => !isDone(c) && !isUpcoming(c)).sort((a, b) => a.end_date.localeCompare(b.end_date));
  const finished = o.challenges.filter(isDone).sort((a, b) => b.end_date.localeCompare(a.end_date));
  const later = o.challenges.filter(isUpcoming).sort((a, b) => a.start_date.localeCompare(b.start_date));
  const finishedScores = finished.map((c) => ({ c, s: scoreParticipants(c, o.records, o.earlierWeights) }));
  return {
    family_id: o.familyId,
    retrieved_at: o.now.toISOString(),
    active_challenges: running.map((c) => active(c, scoreParticipants(c, o.records, o.earlierWeights), o.today)),
    completed_challenges: finishedScores.map(({ c, s }) => completed(c, s)),
    upcoming_challenges: later.map(upcoming),
    challenge_summary: {
      total_active: running.length,
      total_completed: finished.length,
      total_upcoming: later.length,
      family_points: sum(finishedScores.map(({ s }) => s.completed * POINTS_PER_COMPLETION)),
      family_rank: 1,
    },
  };
};
