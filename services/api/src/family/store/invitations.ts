import { randomBytes, randomUUID } from 'node:crypto';
import type { FamilyRole, Queryable } from '@aurawell/db';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'expired';

/** An invitation as routes 39–41 show it (contract §2.0 InviteInfo), with its code. */
export type Invitation = {
  invite_id: string;
  family_id: string;
  family_name: string;
  inviter_id: string;
  inviter_name: string;
  invitee_email: string;
  role: FamilyRole;
  /** A pending invitation past its time reads as expired even before anything closes it. */
  status: InvitationStatus;
  message: string | null;
  created_at: string;
  expires_at: string;
  responded_at: string | null;
  invite_code: string;
};

/** Contract §2.9 route 39: invitations expire 72 hours after they are made. */
export const INVITATION_TTL_HOURS = 72;

/** 16 upper-case hex characters (64 random bits). */
export const newInviteCode = (): string => randomBytes(8).toString('hex').toUpperCase();

/** A registered user whose account or profile email is `email` (case-insensitive), or null. */
export const findUserIdByEmail = async (db: Queryable, email: string): Promise<string | null> => {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id
     WHERE lower(u.email) = lower($1) OR lower(p.email) = lower($1) ORDER BY u.created_at LIMIT 1`,
    [email],
  );
  return rows[0]?.id ?? null;
};

/** The caller's stored addresses (account and profile), lower-cased. */
export const emailsOfUser = async (db: Queryable, userId: string): Promise<string[]> => {
  const { rows } = await db.query<{ email: string }>(
    `SELECT lower(email) AS email FROM users WHERE id = $1 AND email IS NOT NULL
     UNION SELECT lower(email) FROM user_profiles WHERE user_id = $1 AND email IS NOT NULL`,
    [userId],
  );
  return rows.map((r) => r.email);
};

export const isActiveMember = async (db: Queryable, familyId: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('SELECT 1 FROM family_members WHERE family_id = $1 AND user_id = $2 AND is_active', [familyId, userId]);
  return (rowCount ?? 0) > 0;
};

/** Closes the family's pending invitations whose time is up, so they no longer block a new one. */
export const expireStaleInvitations = async (db: Queryable, familyId: string): Promise<void> => {
  await db.query(`UPDATE family_invitations SET status = 'expired' WHERE family_id = $1 AND status = 'pending' AND expires_at <= now()`, [familyId]);
};

export const hasPendingInvitation = async (db: Queryable, familyId: string, email: string): Promise<boolean> => {
  const { rowCount } = await db.query(
    `SELECT 1 FROM family_invitations WHERE family_id = $1 AND lower(invitee_email) = lower($2) AND status = 'pending'`,
    [familyId, email],
  );
  return (rowCount ?? 0) > 0;
};

export type NewInvitation = { familyId: string; inviterId: string; email: string; role: FamilyRole; message: string | null };

/** Stores a pending invitation; returns its id and code. */
export const insertInvitation = async (db: Queryable, inv: NewInvitation): Promise<{ id: string; code: string }> => {
  const id = randomUUID();
  const code = newInviteCode();
  await db.query(
    `INSERT INTO family_invitations (id, family_id, inviter_id, invitee_email, role, invite_code, message, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(hours => $8))`,
    [id, inv.familyId, inv.inviterId, inv.email, inv.role, code, inv.message, INVITATION_TTL_HOURS],
  );
  return { id, code };
};

type InviteRow = {
  id: string; family_id: string; family_name: string; inviter_id: string; inviter_name: string;
  invitee_email: string; role: FamilyRole; status: InvitationStatus; message: string | null;
  created_at: Date; expires_at: Date; responded_at: Date | null; invite_code: string; is_expired: boolean;
};

const toInvitation = (r: InviteRow): Invitation => ({
  invite_id: r.id,
  family_id: r.family_id,
  family_name: r.family_name,
  inviter_id: r.inviter_id,
  inviter_name: r.inviter_name,
  invitee_email: r.invitee_email,
  role: r.role,
  // A pending invitation past its time reads as expired even before anything closes it.
  status: r.status === 'pending' && r.is_expired ? 'expired' : r.status,
  message: r.message,
  created_at: r.created_at.toISOString(),
  expires_at: r.expires_at.toISOString(),
  responded_at: r.responded_at ? r.responded_at.toISOString() : null,
  invite_code: r.invite_code,
});

const INVITE_SELECT = `SELECT i.id::text AS id, i.family_id::text AS family_id, f.name AS family_name, i.inviter_id,
    COALESCE(p.display_name, u.display_name, u.username) AS inviter_name, i.invitee_email, i.role, i.status,
    i.message, i.created_at, i.expires_at, i.responded_at, i.invite_code, i.expires_at <= now() AS is_expired
  FROM family_invitations i JOIN families f ON f.id = i.family_id JOIN users u ON u.id = i.inviter_id
  LEFT JOIN user_profiles p ON p.user_id = i.inviter_id`;

export const findInvitationById = async (db: Queryable, id: string): Promise<Invitation | null> => {
  const { rows } = await db.query<InviteRow>(`${INVITE_SELECT} WHERE i.id = $1`, [id]);
  return rows[0] ? toInvitation(rows[0]) : null;
};

/** By code, case-insensitively; `FOR UPDATE` on the invitation row so two answers cannot race. */
export const findInvitationByCodeForUpdate = async (tx: Queryable, code: string): Promise<Invitation | null> => {
  const { rows } = await tx.query<InviteRow>(`${INVITE_SELECT} WHERE i.invite_code = upper($1) FOR UPDATE OF i`, [code]);
  return rows[0] ? toInvitation(rows[0]) : null;
};

/** Records the answer (or the expiry) of an invitation. */
export const setInvitationStatus = async (
  db: Queryable,
  id: string,
  status: 'accepted' | 'declined' | 'expired',
  declineReason: string | null = null,
): Promise<void> => {
  await db.query(
    `UPDATE family_invitations SET status = $2, decline_reason = $3,
       responded_at = CASE WHEN $2 = 'expired' THEN responded_at ELSE now() END
     WHERE id = $1`,
    [id, status, declineReason],
  );
};
