import { createLogger } from '@aurawell/platform';
import { createTestDatabase, type TestDatabase } from '@aurawell/testkit';
import { canActForMember } from './families';
import { createPool, type Pool } from './pool';

let db: TestDatabase;
let pool: Pool;
const FAMILY_A = '11111111-1111-4111-8111-111111111111';
const FAMILY_B = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, createLogger('db-test', 'silent'), 2);
  await pool.query(`INSERT INTO users (id, username, password_hash) VALUES ('a', 'a', 'x'), ('b', 'b', 'x'), ('c', 'c', 'x')`);
  await pool.query(`INSERT INTO families (id, name, owner_id) VALUES ($1, 'A', 'a'), ($2, 'B', 'b')`, [FAMILY_A, FAMILY_B]);
  await pool.query(
    `INSERT INTO family_members (family_id, user_id, role) VALUES ($1, 'a', 'owner'), ($1, 'b', 'viewer'), ($2, 'b', 'owner'), ($2, 'c', 'viewer')`,
    [FAMILY_A, FAMILY_B],
  );
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('canActForMember', () => {
  it('without a family: oneself always, and anyone sharing an active family', async () => {
    await expect(canActForMember(pool, 'c', 'c')).resolves.toBe(true);
    await expect(canActForMember(pool, 'a', 'b')).resolves.toBe(true);
    await expect(canActForMember(pool, 'b', 'c')).resolves.toBe(true);
    await expect(canActForMember(pool, 'a', 'c')).resolves.toBe(false);
  });

  it('with a family: both must be active members of THAT family, oneself included', async () => {
    await expect(canActForMember(pool, 'a', 'b', { familyId: FAMILY_A })).resolves.toBe(true);
    await expect(canActForMember(pool, 'a', 'b', { familyId: FAMILY_B })).resolves.toBe(false);
    await expect(canActForMember(pool, 'a', 'a', { familyId: FAMILY_B })).resolves.toBe(false);
    await expect(canActForMember(pool, 'c', 'c', { familyId: FAMILY_B })).resolves.toBe(true);
    await expect(canActForMember(pool, 'a', 'b', { familyId: FAMILY_A.toUpperCase() })).resolves.toBe(true);
    await expect(canActForMember(pool, 'a', 'b', { familyId: 'not-a-uuid' })).resolves.toBe(false);
  });

  it('ignores inactive memberships and inactive families', async () => {
    await pool.query(`UPDATE families SET is_active = false WHERE id = $1`, [FAMILY_B]);
    await expect(canActForMember(pool, 'b', 'c')).resolves.toBe(false);
    await pool.query(`UPDATE families SET is_active = true WHERE id = $1`, [FAMILY_B]);
    await pool.query(`UPDATE family_members SET is_active = false WHERE user_id = 'c'`);
    await expect(canActForMember(pool, 'b', 'c', { familyId: FAMILY_B })).resolves.toBe(false);
  });
});
