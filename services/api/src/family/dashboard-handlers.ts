import { withTransaction } from '@aurawell/db';
import type { Response } from 'express';
import type { z } from 'zod';
import { compactStamp } from '../dates';
import { databaseToday } from '../health/store';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { requirePermission } from './access';
import { buildChallenges } from './challenges';
import type { CreateChallengeData, CreateChallengeRequest } from './challenge-schemas';
import type { LeaderboardQuery } from './dashboard-schemas';
import type { FamilyDeps } from './family-handlers';
import { buildLeaderboard, recordsFrom, type Participant } from './leaderboard';
import { familyChallenges, findChallenge, insertChallenge, type ChallengeRow } from './store/challenges';
import { familyMembers } from './store/families';
import { loadDayRecords, weightsBefore } from './store/metrics';

type Params = { family_id: string };

/** Route 46: every active member of the family, ranked on their own records. */
export const getLeaderboard =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId, params, query }: { res: Response; userId: string; params: Params; query: z.output<typeof LeaderboardQuery> }) => {
    await requirePermission(pool, params.family_id, userId, 'view_all_data', 'Insufficient permissions to view family leaderboard');
    const familyId = params.family_id.toLowerCase();
    const [members, today] = [await familyMembers(pool, familyId), await databaseToday(pool)];
    const ids = members.map((m) => m.user_id);
    const from = recordsFrom(query.period, today);
    const [records, earlier] = await Promise.all([loadDayRecords(pool, ids, from, today), weightsBefore(pool, ids, from)]);
    const participants: Participant[] = members.map((m) => ({
      userId: m.user_id, name: m.display_name ?? m.username, joinedDay: m.joined_at.slice(0, 10),
      records: records.get(m.user_id) ?? [], earlierWeight: earlier.get(m.user_id) ?? null,
    }));
    const data = buildLeaderboard({ familyId, metric: query.metric, period: query.period, today, now: new Date(), participants });
    sendSuccess(res, 'Leaderboard retrieved successfully', data);
  };

/** Route 47. */
export const getChallenges =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId, params }: { res: Response; userId: string; params: Params }) => {
    await requirePermission(pool, params.family_id, userId, 'view_all_data', 'Insufficient permissions to view family challenges');
    const familyId = params.family_id.toLowerCase();
    const [challenges, today] = [await familyChallenges(pool, familyId), await databaseToday(pool)];
    const started = challenges.filter((c) => c.start_date <= today);
    const ids = [...new Set(started.flatMap((c) => c.participants))];
    const from = started.reduce((min, c) => (c.start_date < min ? c.start_date : min), today);
    const [records, earlierWeights] = await Promise.all([loadDayRecords(pool, ids, from, today), weightsBefore(pool, ids, from)]);
    const data = buildChallenges({ familyId, today, now: new Date(), challenges, records, earlierWeights });
    sendSuccess(res, 'Family challenges retrieved successfully', data);
  };

const createdData = (c: ChallengeRow): z.infer<typeof CreateChallengeData> => ({
  challenge_id: c.id, family_id: c.family_id, title: c.title, description: c.description, challenge_type: c.challenge_type,
  target_metric: c.target_metric, target_value: c.target_value, duration_days: c.duration_days, start_date: c.start_date,
  end_date: c.end_date, participants: c.participants, rewards: c.rewards, status: 'active', created_at: c.created_at.toISOString(),
  created_by: c.created_by,
  progress: { completion_percentage: 0, participants_joined: c.participants.length, current_leader: null },
});

type CreateCtx = { res: Response; userId: string; params: Params; body: z.output<typeof CreateChallengeRequest> };

/** Route 48: owners and managers (`modify_family_data`); participants must be members of the family (400). */
export const createChallenge =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, params, body }: CreateCtx) => {
    await requirePermission(pool, params.family_id, userId, 'modify_family_data', 'Insufficient permissions to create family challenges');
    const familyId = params.family_id.toLowerCase();
    const participants = [...new Set(body.participants)];
    const memberIds = new Set((await familyMembers(pool, familyId)).map((m) => m.user_id));
    const stranger = participants.find((id) => !memberIds.has(id));
    if (stranger !== undefined) throw new HttpError(400, `Participant ${stranger} is not a member of this family`);
    const startDate = body.start_date ?? (await databaseToday(pool));
    const baseId = `challenge_${familyId}_${compactStamp(new Date())}`;
    const id = await withTransaction(pool, (tx) =>
      insertChallenge(tx, baseId, {
        family_id: familyId, title: body.title, description: body.description, challenge_type: body.challenge_type,
        target_metric: body.target_metric, target_value: body.target_value, duration_days: body.duration_days,
        start_date: startDate, rewards: body.rewards, created_by: userId, participants,
      }),
    );
    const stored = await findChallenge(pool, id);
    if (!stored) throw new Error(`challenge ${id} vanished after insert`);
    logger.info({ familyId, challengeId: id, userId, participants: participants.length }, 'family challenge created');
    sendSuccess(res, 'Family challenge created successfully', createdData(stored));
  };
