import type { Queryable } from '@aurawell/db';

/** A stored user profile (routes 10–13), as the API shows it. */
export type Profile = {
  user_id: string;
  display_name: string | null;
  email: string | null;
  age: number | null;
  gender: string | null;
  height_cm: number | null;
  weight_kg: number | null;
  activity_level: string | null;
  created_at: string | null;
  updated_at: string | null;
};

/** The columns a client may change; only the ones present are written (explicit null clears). */
export type ProfileChanges = Partial<Omit<Profile, 'user_id' | 'created_at' | 'updated_at'>>;

const CHANGEABLE = ['display_name', 'email', 'age', 'gender', 'height_cm', 'weight_kg', 'activity_level'] as const;
const COLUMNS = `user_id, display_name, email, age, gender, height_cm, weight_kg, activity_level, created_at, updated_at`;

type ProfileRow = Omit<Profile, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };

/** The user id has no row in `users`, so no profile can be stored for it. */
export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
}

const FOREIGN_KEY_VIOLATION = '23503';

const isForeignKeyViolation = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === FOREIGN_KEY_VIOLATION;

const toProfile = (row: ProfileRow): Profile => ({
  ...row,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

/** Route 10's defaults for a user without a profile. */
export const defaultProfile = (userId: string): Required<ProfileChanges> => ({
  display_name: `User ${userId.slice(-3)}`,
  email: `${userId}@example.com`,
  age: 25,
  gender: 'other',
  height_cm: 170.0,
  weight_kg: 70.0,
  activity_level: 'moderately_active',
});

export const findProfile = async (db: Queryable, userId: string): Promise<Profile | null> => {
  const { rows } = await db.query<ProfileRow>(`SELECT ${COLUMNS} FROM user_profiles WHERE user_id = $1`, [userId]);
  return rows[0] ? toProfile(rows[0]) : null;
};

/**
 * Writes `changes` over the stored profile, creating it from route 10's defaults plus `changes`
 * when there is none. Throws UnknownUserError when the user is not stored.
 */
export const saveProfile = async (db: Queryable, userId: string, changes: ProfileChanges): Promise<Profile> => {
  const initial = { ...defaultProfile(userId), ...changes };
  const changed = CHANGEABLE.filter((column) => column in changes);
  const updates = [...changed.map((column) => `${column} = EXCLUDED.${column}`), 'updated_at = now()'].join(', ');
  try {
    const { rows } = await db.query<ProfileRow>(
      `INSERT INTO user_profiles (user_id, ${CHANGEABLE.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (user_id) DO UPDATE SET ${updates}
       RETURNING ${COLUMNS}`,
      [userId, ...CHANGEABLE.map((column) => initial[column])],
    );
    return toProfile(rows[0] as ProfileRow);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new UnknownUserError(`no stored user ${userId}`);
    throw err;
  }
};

/** The stored profile, created with route 10's defaults on first read. Throws UnknownUserError. */
export const ensureProfile = async (db: Queryable, userId: string): Promise<Profile> => {
  const stored = await findProfile(db, userId);
  if (stored) return stored;
  try {
    await db.query(
      `INSERT INTO user_profiles (user_id, ${CHANGEABLE.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (user_id) DO NOTHING`,
      [userId, ...CHANGEABLE.map((column) => defaultProfile(userId)[column])],
    );
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new UnknownUserError(`no stored user ${userId}`);
    throw err;
  }
  return (await findProfile(db, userId)) as Profile;
};
