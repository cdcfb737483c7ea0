import { hash, verify } from '@node-rs/bcrypt';
import type { Queryable } from './pool';

export type UserRow = { id: string; username: string; email: string | null; display_name: string | null; password_hash: string };

/** bcrypt's cost for every password hash (and for the dummy one below). */
export const PASSWORD_HASH_COST = 10;

/** bcrypt reads only the first 72 bytes of a password: longer ones are refused, never silently cut. */
export const PASSWORD_MAX_BYTES = 72;

/** Does the password fit in what bcrypt reads (its UTF-8 bytes, not its characters)? */
export const passwordFitsBcrypt = (password: string): boolean => Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES;

/**
 * A bcrypt hash of the same cost, compared against when the username is unknown, so that an
 * unknown user costs the same bcrypt run as a wrong password and login time tells nothing.
 * Whatever matches it, an unknown user never logs in.
 */
export const DUMMY_PASSWORD_HASH = '$2b$10$reOxBqske7hTTn6a9RtgAOizh5FFPvNm7Niup7F4t3EoRbDGvK9.2';

export type PasswordCompare = (password: string, hash: string) => Promise<boolean>;

/**
 * The one bcrypt comparison of the login. Native, on libuv's thread pool: bcrypt's ~50–70 ms of
 * CPU per login must not run on the event loop, where a burst of logins stalled every request.
 */
export const verifyPassword: PasswordCompare = (password, stored) => verify(password, stored);

/** Usernames are matched case-insensitively: stored lower-cased, looked up (and throttled) lower-cased. */
export const normaliseUsername = (username: string): string => username.toLowerCase();

export const findUserByUsername = async (db: Queryable, username: string): Promise<UserRow | null> => {
  const { rows } = await db.query<UserRow>(
    'SELECT id, username, email, display_name, password_hash FROM users WHERE username = $1',
    [normaliseUsername(username)],
  );
  return rows[0] ?? null;
};

/**
 * The user id when the username exists and the password matches its bcrypt hash, else null.
 * One bcrypt run whatever the case (unknown user, wrong password, a password past 72 bytes,
 * which never logs in: its first 72 bytes alone could match). `compare` is replaceable for tests.
 */
export const checkCredentials = async (
  db: Queryable,
  username: string,
  password: string,
  compare: PasswordCompare = verifyPassword,
): Promise<string | null> => {
  const user = await findUserByUsername(db, username);
  const matches = await compare(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  return user && matches && passwordFitsBcrypt(password) ? user.id : null;
};

/** A bcrypt hash of the password; one past 72 UTF-8 bytes is refused (RangeError) rather than cut. */
export const hashPassword = async (password: string): Promise<string> => {
  if (!passwordFitsBcrypt(password)) throw new RangeError(`password longer than ${PASSWORD_MAX_BYTES} bytes`);
  return hash(password, { cost: PASSWORD_HASH_COST });
};

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
