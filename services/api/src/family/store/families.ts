import { randomUUID } from 'node:crypto';
import { isUuid, type FamilyRole, type Queryable } from '@aurawell/db';
import type { z } from 'zod';
import type { FamilyInfo, FamilyMember } from '@aurawell/protocol';

export type FamilyInfoData = z.infer<typeof FamilyInfo>;
export type FamilyMemberData = z.infer<typeof FamilyMember>;

/** Family ids are UUIDs; anything else can name no family (and must not reach a uuid cast). */
export const isFamilyId = isUuid;

type FamilyRow = {
  id: string; name: string; owner_id: string; description: string | null;
  created_at: Date; updated_at: Date; member_count: number; is_active: boolean;
};

const toFamilyInfo = (r: FamilyRow): FamilyInfoData => ({
  family_id: r.id,
  name: r.name,
  owner_id: r.owner_id,
  description: r.description,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
  member_count: r.member_count,
  is_active: r.is_active,
});

const FAMILY_COLUMNS = `f.id::text AS id, f.name, f.owner_id, f.description, f.created_at, f.updated_at, f.is_active,
  (SELECT count(*)::int FROM family_members c WHERE c.family_id = f.id AND c.is_active) AS member_count`;

export type Membership = { role: FamilyRole; familyActive: boolean };

/** The caller's active membership of the family (whether or not the family is active), or null. */
export const findMembership = async (db: Queryable, familyId: string, userId: string): Promise<Membership | null> => {
  if (!isFamilyId(familyId)) return null;
  const { rows } = await db.query<{ role: FamilyRole; family_active: boolean }>(
    `SELECT m.role, f.is_active AS family_active FROM family_members m JOIN families f ON f.id = m.family_id
     WHERE m.family_id = $1 AND m.user_id = $2 AND m.is_active`,
    [familyId, userId],
  );
  const row = rows[0];
  return row ? { role: row.role, familyActive: row.family_active } : null;
};

export const findFamily = async (db: Queryable, familyId: string): Promise<FamilyInfoData | null> => {
  if (!isFamilyId(familyId)) return null;
  const { rows } = await db.query<FamilyRow>(`SELECT ${FAMILY_COLUMNS} FROM families f WHERE f.id = $1`, [familyId]);
  return rows[0] ? toFamilyInfo(rows[0]) : null;
};

/** Every active family the user is an active member of, oldest membership first. */
export const familiesOfUser = async (db: Queryable, userId: string): Promise<FamilyInfoData[]> => {
  const { rows } = await db.query<FamilyRow>(
    `SELECT ${FAMILY_COLUMNS} FROM families f JOIN family_members m ON m.family_id = f.id
     WHERE m.user_id = $1 AND m.is_active AND f.is_active ORDER BY m.joined_at, f.created_at`,
    [userId],
  );
  return rows.map(toFamilyInfo);
};

export const userExists = async (db: Queryable, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
  return (rowCount ?? 0) > 0;
};

/** Active families the user owns. */
export const countOwnedFamilies = async (db: Queryable, userId: string): Promise<number> => {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM families WHERE owner_id = $1 AND is_active', [userId]);
  return rows[0]?.n ?? 0;
};

/**
 * Serialises family creation per owner inside the caller's transaction, so two concurrent
 * requests cannot both pass the ownership limit.
 */
export const lockOwner = async (tx: Queryable, userId: string): Promise<void> => {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('family-owner:' || $1))`, [userId]);
};

export const insertFamily = async (
  tx: Queryable,
  f: { name: string; description: string | null; ownerId: string },
): Promise<string> => {
  const id = randomUUID();
  await tx.query('INSERT INTO families (id, name, description, owner_id) VALUES ($1, $2, $3, $4)', [id, f.name, f.description, f.ownerId]);
  await tx.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'owner')`, [id, f.ownerId]);
  return id;
};

type MemberRow = {
  user_id: string; username: string; display_name: string | null; email: string | null;
  role: FamilyRole; joined_at: Date; last_active: Date | null; is_active: boolean;
};

/** Active members, owner first, then by joining time. Profile name and email (what the user last edited) win over the account's. */
export const familyMembers = async (db: Queryable, familyId: string): Promise<FamilyMemberData[]> => {
  const { rows } = await db.query<MemberRow>(
    `SELECT m.user_id, u.username, COALESCE(p.display_name, u.display_name) AS display_name,
            COALESCE(p.email, u.email) AS email, m.role, m.joined_at, m.last_active, m.is_active
     FROM family_members m JOIN users u ON u.id = m.user_id LEFT JOIN user_profiles p ON p.user_id = m.user_id
     WHERE m.family_id = $1 AND m.is_active
     ORDER BY (m.role = 'owner') DESC, m.joined_at, m.user_id`,
    [familyId],
  );
  return rows.map((r) => ({
    ...r,
    joined_at: r.joined_at.toISOString(),
    last_active: r.last_active ? r.last_active.toISOString() : null,
  }));
};

/** Adds (or re-activates) a member with `role`. */
export const addMember = async (tx: Queryable, familyId: string, userId: string, role: FamilyRole): Promise<void> => {
  await tx.query(
    `INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (family_id, user_id) DO UPDATE SET role = EXCLUDED.role, is_active = true, joined_at = now()`,
    [familyId, userId, role],
  );
  await tx.query('UPDATE families SET updated_at = now() WHERE id = $1', [familyId]);
};
