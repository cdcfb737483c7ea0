import type { Turn } from './conversations';
import { conversationRefusal, newMessageId, titleFrom } from './conversations';
import type { HealthSnapshot } from './health';
import type { Queryable } from './pool';

/** A generation's question, as the worker stores it before asking the model. */
export type TurnStart = {
  userId: string;
  conversationId: string;
  /** The family member the question is about (null: the user). */
  memberId: string | null;
  /** Create the conversation when the user does not have it yet (else an unknown id is refused). */
  create: boolean;
  generationId: string;
  question: string;
  historyTurns: number;
  /** Whose health data the prompt uses (null: none, a general chat). */
  healthOf: string | null;
  /** Whose display name the prompt uses (null: nobody else's). */
  nameOf: string | null;
  healthDays?: number;
};

/** What the prompt needs; `owned` false: the conversation is not the user's (nothing was stored). */
export type TurnContext = { owned: boolean; history: Turn[]; health: HealthSnapshot | null; memberName: string | null };

/**
 * The conversation made sure of (created when asked), its recent turns read (before this turn is
 * stored, since every part of one statement sees the same snapshot: the prompt ends with the
 * question exactly once), the question stored and the conversation touched, and what the store
 * knows of the subject: one statement, so one round trip and one commit before the model is asked.
 * A new conversation takes its title from the question on creation (the touch cannot see a row
 * the same statement inserted); an untitled existing one takes it in the touch.
 */
const BEGIN_TURN = `
WITH created AS (
  INSERT INTO conversations (id, user_id, member_id, type, metadata, title)
  SELECT $2, $1, $3, 'health_consultation', $4::jsonb, $9 WHERE $5::boolean
  ON CONFLICT (user_id, id) DO NOTHING
  RETURNING id
),
owned AS (SELECT id FROM created UNION ALL SELECT id FROM conversations WHERE user_id = $1 AND id = $2),
history AS (
  SELECT role, content, created_at FROM messages
  WHERE user_id = $1 AND conversation_id = $2 AND (role = 'user' OR status = 'complete')
  ORDER BY created_at DESC LIMIT $6
),
turn AS (
  INSERT INTO messages (id, conversation_id, user_id, role, content, status, generation_id)
  SELECT $7, $2, $1, 'user', $8, 'complete', $10 WHERE EXISTS (SELECT 1 FROM owned)
  ON CONFLICT (generation_id, role) WHERE generation_id IS NOT NULL
  DO UPDATE SET content = EXCLUDED.content, status = EXCLUDED.status
  WHERE messages.user_id = EXCLUDED.user_id AND messages.conversation_id = EXCLUDED.conversation_id
  RETURNING id
),
touched AS (
  UPDATE conversations SET updated_at = now(), title = coalesce(title, $9) WHERE user_id = $1 AND id = $2 RETURNING id
)
SELECT EXISTS (SELECT 1 FROM owned) AS owned,
  (SELECT coalesce(json_agg(json_build_object('role', role, 'content', content) ORDER BY created_at), '[]'::json) FROM history) AS history,
  -- the subject's data, as loadHealthSnapshot reads it
  (SELECT to_json(p) FROM (SELECT display_name, age, gender, height_cm, weight_kg, activity_level FROM user_profiles WHERE user_id = $11) p) AS profile,
  (SELECT coalesce(json_agg(a ORDER BY a.day DESC), '[]'::json) FROM (
     SELECT to_char(day, 'YYYY-MM-DD') AS day, steps, distance_km, calories_burned, active_minutes
     FROM activity_records WHERE user_id = $11 AND day > current_date - $12::int) a) AS activity,
  (SELECT coalesce(json_agg(s ORDER BY s.day DESC), '[]'::json) FROM (
     SELECT to_char(day, 'YYYY-MM-DD') AS day, total_sleep_hours, deep_sleep_hours, sleep_efficiency
     FROM sleep_records WHERE user_id = $11 AND day > current_date - $12::int) s) AS sleep,
  (SELECT coalesce(display_name, username) FROM users WHERE id = $13) AS member_name`;

type Row = {
  owned: boolean;
  history: Turn[];
  profile: HealthSnapshot['profile'];
  activity: HealthSnapshot['activity'];
  sleep: HealthSnapshot['sleep'];
  member_name: string | null;
};

/**
 * Starts a stored turn in one round trip (see BEGIN_TURN). The schema still refuses a turn in a
 * conversation that is not the user's, whatever raced with this statement (ConversationNotOwnedError).
 */
export const beginTurn = async (db: Queryable, t: TurnStart): Promise<TurnContext> => {
  const params = [
    t.userId,
    t.conversationId,
    t.memberId,
    t.memberId ? { member_id: t.memberId } : {},
    t.create,
    t.historyTurns,
    newMessageId(),
    t.question,
    titleFrom(t.question),
    t.generationId,
    t.healthOf,
    t.healthDays ?? 7,
    t.nameOf,
  ];
  let row: Row | undefined;
  try {
    ({ rows: [row] } = await db.query<Row>(BEGIN_TURN, params));
  } catch (err) {
    throw conversationRefusal(err, t.conversationId);
  }
  if (!row?.owned) return { owned: false, history: [], health: null, memberName: null };
  return { owned: true, history: row.history, health: healthOf(t, row), memberName: row.member_name ?? t.nameOf };
};

const healthOf = (t: TurnStart, row: Pick<Row, 'profile' | 'activity' | 'sleep'>): HealthSnapshot | null =>
  t.healthOf === null ? null : { profile: row.profile, activity: row.activity, sleep: row.sleep };
