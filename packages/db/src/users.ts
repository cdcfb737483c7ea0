import bcrypt from 'bcryptjs';
import type { Queryable } from './pool';

export type UserRow = { id: string; username: string; email: string | null; display_name: string | null; password_hash: string };

export const findUserByUsername = async (db: Queryable, username: string): Promise<UserRow | null> => {
  const { rows } = await db.query<UserRow>(
    'SELECT id, username, email, display_name, password_hash FROM users WHERE username = $1',
    [username.toLowerCase()],
  );
  return rows[0] ?? null;
};

/** The user id when the username exists and the password matches its bcrypt hash, else null. */
export const checkCredentials = async (db: Queryable, username: string, password: string): Promise<string | null> => {
  const user = await findUserByUsername(db, username);
  if (!user) return null;
  return (await bcrypt.compare(password, user.password_hash)) ? user.id : null;
};

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, 10);

/** Creates or refreshes a user (used by seeding); the password hash is replaced. */
export const upsertUser = async (
  db: Queryable,
  user: { id: string; username: string; email: string; password: string; displayName: string },
): Promise<void> => {
  await db.query(
    `INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, email = EXCLUDED.email,
       password_hash = EXCLUDED.password_hash, display_name = EXCLUDED.display_name, updated_at = now()`,
    [user.id, user.username.toLowerCase(), user.email, await hashPassword(user.password), user.displayName],
  );
};
