import { hashPassword, withTransaction, type Pool } from '@aurawell/db';

const ACTIVITY_LEVELS = ['sedentary', 'lightly_active', 'moderately_active', 'very_active', 'extremely_active'];

/** A registration (route 2): the account, and the health data it may bring for the profile. */
export type NewAccount = {
  userId: string;
  /** Lower-cased already. */
  username: string;
  email: string;
  password: string;
  health: { age?: number | null; gender?: string | null; height?: number | null; weight?: number | null; activity_level?: string | null };
};

/** The username or the email (case-insensitive) of a registration is already someone's. */
export class AccountTakenError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} already taken`);
    this.name = 'AccountTakenError';
  }
}

/** The contract's vocabulary: an unknown gender is `other`, an unknown activity level `moderately_active`. */
const profileValues = (h: NewAccount['health']) => [
  h.age ?? null,
  h.gender ? (['male', 'female'].includes(h.gender) ? h.gender : 'other') : null,
  h.height ?? null,
  h.weight ?? null,
  h.activity_level ? (ACTIVITY_LEVELS.includes(h.activity_level) ? h.activity_level : 'moderately_active') : null,
];

/**
 * The user and their profile in one transaction; AccountTakenError when the username or email is
 * taken (the password is hashed only once both are free).
 */
export const createAccount = (pool: Pool, a: NewAccount): Promise<void> =>
  withTransaction(pool, async (tx) => {
    const taken = await tx.query<{ username: string }>('SELECT username FROM users WHERE username = $1 OR lower(email) = lower($2)', [a.username, a.email]);
    if (taken.rows.some((r) => r.username === a.username)) throw new AccountTakenError('username');
    if (taken.rows.length > 0) throw new AccountTakenError('email');
    await tx.query('INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, $5)', [
      a.userId, a.username, a.email, await hashPassword(a.password), a.username,
    ]);
    await tx.query(
      `INSERT INTO user_profiles (user_id, display_name, email, age, gender, height_cm, weight_kg, activity_level)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.userId, a.username, a.email, ...profileValues(a.health)],
    );
  });
