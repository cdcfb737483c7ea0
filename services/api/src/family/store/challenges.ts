import { randomBytes } from 'node:crypto';
import type { Queryable } from '@aurawell/db';

export type ChallengeType = 'activity' | 'nutrition' | 'sleep' | 'weight_management';

export type ChallengeRow = {
  id: string;
  family_id: string;
  title: string;
  description: string;
  challenge_type: ChallengeType;
  target_metric: string;
  target_value: number;
  duration_days: number;
  start_date: string;
  end_date: string;
  rewards: string[];
  created_by: string;
  created_at: Date;
  /** In the order the creator listed them. */
  participants: string[];
};

export type NewChallenge = Omit<ChallengeRow, 'id' | 'end_date' | 'created_at'>;

const PG_UNIQUE_VIOLATION = '23505';

/**
 * Stores a challenge and its participants under `baseId`; if another challenge of the family took
 * that id in the same second, a short random suffix keeps the two apart.
 */
export const insertChallenge = async (tx: Queryable, baseId: string, c: NewChallenge): Promise<string> => {
  for (const id of [baseId, `${baseId}_${randomBytes(3).toString('hex')}`]) {
    const { rowCount } = await tx.query(
      `INSERT INTO family_challenges (id, family_id, title, description, challenge_type, target_metric, target_value,
         duration_days, start_date, end_date, rewards, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $9::date + $8::int, $10, $11)
       ON CONFLICT (id) DO NOTHING`,
      [id, c.family_id, c.title, c.description, c.challenge_type, c.target_metric, c.target_value, c.duration_days,
        c.start_date, JSON.stringify(c.rewards), c.created_by],
    );
    if (rowCount === 1) {
      await tx.query(
        `INSERT INTO family_challenge_participants (challenge_id, user_id, position)
         SELECT $1, user_id, position::int - 1 FROM unnest($2::text[]) WITH ORDINALITY AS p(user_id, position)`,
        [id, c.participants],
      );
      return id;
    }
  }
  throw Object.assign(new Error('challenge id collision'), { code: PG_UNIQUE_VIOLATION });
};

const CHALLENGE_SELECT = `SELECT c.id, c.family_id::text AS family_id, c.title, c.description, c.challenge_type, c.target_metric,
    c.target_value, c.duration_days, to_char(c.start_date, 'YYYY-MM-DD') AS start_date,
    to_char(c.end_date, 'YYYY-MM-DD') AS end_date, c.rewards, c.created_by, c.created_at,
    COALESCE((SELECT array_agg(p.user_id ORDER BY p.position) FROM family_challenge_participants p WHERE p.challenge_id = c.id), '{}') AS participants
  FROM family_challenges c`;

export const findChallenge = async (db: Queryable, id: string): Promise<ChallengeRow | null> => {
  const { rows } = await db.query<ChallengeRow>(`${CHALLENGE_SELECT} WHERE c.id = $1`, [id]);
  return rows[0] ?? null;
};

/** Every challenge of the family, by start date. */
export const familyChallenges = async (db: Queryable, familyId: string): Promise<ChallengeRow[]> => {
  const { rows } = await db.query<ChallengeRow>(`${CHALLENGE_SELECT} WHERE c.family_id = $1 ORDER BY c.start_date, c.created_at`, [familyId]);
  return rows;
};
