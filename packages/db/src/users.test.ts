import { createLogger } from '@aurawell/platform';
import { createTestDatabase, type TestDatabase } from '@aurawell/testkit';
import { parseOptions } from '@node-rs/bcrypt';
import { createPool, type Pool } from './pool';
import {
  checkCredentials,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  PASSWORD_HASH_COST,
  passwordFitsBcrypt,
  upsertUser,
  verifyPassword,
  type PasswordCompare,
} from './users';

let db: TestDatabase;
let pool: Pool;

/** 72 ASCII bytes: the longest password bcrypt reads whole. */
const PW_72 = 'p'.repeat(71) + '1';

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, createLogger('db-test', 'silent'), 2);
  await upsertUser(pool, { id: 'u1', username: 'Alice', email: 'alice@example.com', password: 'right_password', displayName: 'Alice' });
  await upsertUser(pool, { id: 'u72', username: 'long_pw', email: 'long@example.com', password: PW_72, displayName: 'Long' });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** The real bcrypt comparison, recording the hashes it was asked about. */
const recordingCompare = (): { compare: PasswordCompare; hashes: string[] } => {
  const hashes: string[] = [];
  return {
    hashes,
    compare: (password, hash) => {
      hashes.push(hash);
      return verifyPassword(password, hash);
    },
  };
};

const storedHash = async (id: string): Promise<string> =>
  (await pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0]!.password_hash;

describe('checkCredentials does the same bcrypt work whether or not the user exists', () => {
  it('compares against the dummy hash for an unknown username, and refuses', async () => {
    const { compare, hashes } = recordingCompare();
    await expect(checkCredentials(pool, 'nobody_here', 'right_password', compare)).resolves.toBeNull();
    expect(hashes).toEqual([DUMMY_PASSWORD_HASH]);
  });

  it('compares against the stored hash for a known username with a wrong password', async () => {
    const { compare, hashes } = recordingCompare();
    await expect(checkCredentials(pool, 'alice', 'wrong_password', compare)).resolves.toBeNull();
    expect(hashes).toEqual([await storedHash('u1')]);
  });

  it('the dummy hash is a bcrypt hash of the same cost as every stored one', async () => {
    expect(parseOptions(DUMMY_PASSWORD_HASH).cost).toBe(PASSWORD_HASH_COST);
    expect(parseOptions(await storedHash('u1')).cost).toBe(PASSWORD_HASH_COST);
    expect(parseOptions(await hashPassword('another')).cost).toBe(PASSWORD_HASH_COST);
  });

  it('hashes made by other bcrypt libraries verify ($2a$ and $2b$, as bcryptjs and Python wrote them)', async () => {
    // The OpenBSD test vector, and the same password hashed as $2b$.
    await expect(verifyPassword('U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).resolves.toBe(true);
    await expect(verifyPassword('U*U', '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).resolves.toBe(true);
    await expect(verifyPassword('U*V', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).resolves.toBe(false);
    await expect(verifyPassword('U*U', 'not a bcrypt hash')).resolves.toBe(false);
  });

  it('logs the user in, username case-insensitively', async () => {
    await expect(checkCredentials(pool, 'ALICE', 'right_password')).resolves.toBe('u1');
  });
});

describe('passwords are limited to the 72 bytes bcrypt reads', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(passwordFitsBcrypt(PW_72)).toBe(true);
    expect(passwordFitsBcrypt(`${PW_72}x`)).toBe(false);
    expect(passwordFitsBcrypt('密'.repeat(24))).toBe(true); // 24 characters, 72 bytes
    expect(passwordFitsBcrypt('密'.repeat(25))).toBe(false); // 25 characters, 75 bytes
  });

  it('refuses to hash a password past 72 bytes', async () => {
    await expect(hashPassword(`${PW_72}x`)).rejects.toThrow(RangeError);
    await expect(hashPassword('密'.repeat(25))).rejects.toThrow(RangeError);
    await expect(hashPassword('密'.repeat(24))).resolves.toMatch(/^\$2[aby]\$10\$/);
  });

  it('a 72-byte password logs in; a longer one sharing its first 72 bytes does not', async () => {
    await expect(checkCredentials(pool, 'long_pw', PW_72)).resolves.toBe('u72');
    await expect(checkCredentials(pool, 'long_pw', `${PW_72}-and-more`)).resolves.toBeNull();
  });
});
