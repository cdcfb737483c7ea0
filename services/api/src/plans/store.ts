import type { ProfileRow, Queryable } from '@aurawell/db';

/** One module of a plan as stored and served (without the `type` alias, added on output). */
export type PlanModule = {
  module_type: string;
  title: string;
  description: string;
  content: Record<string, unknown>;
  duration_days: number;
};

/** What a plan's templated modules may take from the stored profile (route 25: "values may be computed"). */
export type PlanProfile = Pick<ProfileRow, 'age' | 'gender' | 'height_cm' | 'weight_kg' | 'activity_level'>;

/** One stored progress update, oldest first when in a list. `module_type` null = the whole plan. */
export type ProgressRecord = {
  module_type: string | null;
  progress: number;
  plan_progress: number;
  record_date: string;
  recorded_at: string;
};

/** A plan as stored, with its modules in order; timestamps are ISO strings. */
export type StoredPlan = {
  plan_id: string;
  user_id: string;
  title: string;
  description: string;
  modules: PlanModule[];
  duration_days: number;
  status: string;
  progress: number;
  template_id: string | null;
  created_at: string;
  updated_at: string;
};

/** What a new or regenerated plan is made of. */
export type PlanDraft = {
  userId: string;
  title: string;
  description: string;
  durationDays: number;
  goals: string[];
  preferences: Record<string, unknown>;
  modules: PlanModule[];
  templateId?: string | null;
};

type PlanRow = Omit<StoredPlan, 'modules' | 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };
type ModuleRow = PlanModule & { plan_id: string };

const PLAN_COLUMNS = 'id AS plan_id, user_id, title, description, duration_days, status, progress, template_id, created_at, updated_at';

/** Ids carry a unix second; a taken one moves to the next free second (same format, still unique). */
const MAX_ID_ATTEMPTS = 100;
export const planIdFor = (userId: string, unixSeconds: number): string => `plan_${userId}_${unixSeconds}`;
export const feedbackIdFor = (planId: string, unixSeconds: number): string => `feedback_${planId}_${unixSeconds}`;
const unixSeconds = (): number => Math.floor(Date.now() / 1000);

const withModules = (row: PlanRow, modules: PlanModule[]): StoredPlan => ({
  ...row,
  modules,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

const loadModules = async (db: Queryable, planIds: string[]): Promise<Map<string, PlanModule[]>> => {
  const { rows } = await db.query<ModuleRow>(
    `SELECT plan_id, module_type, title, description, content, duration_days
     FROM health_plan_modules WHERE plan_id = ANY($1) ORDER BY plan_id, position`,
    [planIds],
  );
  const byPlan = new Map<string, PlanModule[]>();
  for (const { plan_id, ...module } of rows) byPlan.set(plan_id, [...(byPlan.get(plan_id) ?? []), module]);
  return byPlan;
};

const attachModules = async (db: Queryable, rows: PlanRow[]): Promise<StoredPlan[]> => {
  if (rows.length === 0) return [];
  const modules = await loadModules(db, rows.map((r) => r.plan_id));
  return rows.map((row) => withModules(row, modules.get(row.plan_id) ?? []));
};

/** The caller's plans, newest first. */
export const listPlans = async (db: Queryable, userId: string): Promise<StoredPlan[]> => {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM health_plans WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return attachModules(db, rows);
};

/** The plan when it exists and belongs to `userId`; `lock` holds its row until the transaction ends. */
export const findPlan = async (db: Queryable, userId: string, planId: string, opts: { lock?: boolean } = {}): Promise<StoredPlan | null> => {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM health_plans WHERE id = $1 AND user_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
    [planId, userId],
  );
  return (await attachModules(db, rows))[0] ?? null;
};

/** Replaces a plan's modules with `modules`, in order. */
export const storeModules = async (db: Queryable, planId: string, modules: readonly PlanModule[]): Promise<void> => {
  await db.query('DELETE FROM health_plan_modules WHERE plan_id = $1', [planId]);
  if (modules.length === 0) return;
  await db.query(
    `INSERT INTO health_plan_modules (plan_id, position, module_type, title, description, content, duration_days)
     SELECT $1, m.ordinality - 1, m.value->>'module_type', m.value->>'title', m.value->>'description', m.value->'content',
            (m.value->>'duration_days')::int
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS m(value, ordinality)`,
    [planId, JSON.stringify(modules)],
  );
};

/** Inserts the plan row under `planId`; null when that id is taken. */
export const storePlanRow = async (db: Queryable, planId: string, draft: PlanDraft, createdAt?: string): Promise<PlanRow | null> => {
  const { rows } = await db.query<PlanRow>(
    `INSERT INTO health_plans (id, user_id, title, description, duration_days, goals, preferences, template_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()), coalesce($9::timestamptz, now()))
     ON CONFLICT (id) DO NOTHING
     RETURNING ${PLAN_COLUMNS}`,
    [planId, draft.userId, draft.title, draft.description, draft.durationDays, JSON.stringify(draft.goals),
      JSON.stringify(draft.preferences), draft.templateId ?? null, createdAt ?? null],
  );
  return rows[0] ?? null;
};

/** Stores a new plan under `plan_{user_id}_{unix_seconds}` (run it in a transaction: two statements). */
export const createPlan = async (db: Queryable, draft: PlanDraft): Promise<StoredPlan> => {
  const start = unixSeconds();
  for (let offset = 0; offset < MAX_ID_ATTEMPTS; offset += 1) {
    const row = await storePlanRow(db, planIdFor(draft.userId, start + offset), draft);
    if (!row) continue;
    await storeModules(db, row.plan_id, draft.modules);
    return withModules(row, [...draft.modules]);
  }
  throw new Error('no free plan id');
};

/** Rewrites a plan (route 27): new title, goals, modules; status active; `created_at` kept. Null when not the caller's. */
export const rewritePlan = async (db: Queryable, planId: string, draft: PlanDraft): Promise<StoredPlan | null> => {
  const { rows } = await db.query<PlanRow>(
    `UPDATE health_plans SET title = $3, description = $4, duration_days = $5, goals = $6, preferences = $7,
       status = 'active', progress = 0, updated_at = now()
     WHERE id = $1 AND user_id = $2
     RETURNING ${PLAN_COLUMNS}`,
    [planId, draft.userId, draft.title, draft.description, draft.durationDays, JSON.stringify(draft.goals), JSON.stringify(draft.preferences)],
  );
  const row = rows[0];
  if (!row) return null;
  await storeModules(db, planId, draft.modules);
  return withModules(row, [...draft.modules]);
};

/** Deletes the caller's plan with its modules, feedback and progress; false when not the caller's. */
export const deletePlan = async (db: Queryable, userId: string, planId: string): Promise<boolean> => {
  const { rowCount } = await db.query('DELETE FROM health_plans WHERE id = $1 AND user_id = $2', [planId, userId]);
  return (rowCount ?? 0) > 0;
};

/** Stores feedback as sent; returns `feedback_{plan_id}_{unix_seconds}`. */
export const storeFeedback = async (db: Queryable, planId: string, userId: string, content: Record<string, unknown>): Promise<string> => {
  const start = unixSeconds();
  for (let offset = 0; offset < MAX_ID_ATTEMPTS; offset += 1) {
    const id = feedbackIdFor(planId, start + offset);
    const { rowCount } = await db.query(
      `INSERT INTO health_plan_feedback (id, plan_id, user_id, content) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [id, planId, userId, JSON.stringify(content)],
    );
    if ((rowCount ?? 0) > 0) return id;
  }
  throw new Error('no free feedback id');
};

/** The plan's progress updates, oldest first. */
export const loadProgressRecords = async (db: Queryable, planId: string): Promise<ProgressRecord[]> => {
  const { rows } = await db.query<Omit<ProgressRecord, 'recorded_at'> & { recorded_at: Date }>(
    `SELECT module_type, progress, plan_progress, to_char(record_date, 'YYYY-MM-DD') AS record_date, recorded_at
     FROM health_plan_progress WHERE plan_id = $1 ORDER BY id`,
    [planId],
  );
  return rows.map((r) => ({ ...r, recorded_at: r.recorded_at.toISOString() }));
};

export type NewProgressRecord = {
  planId: string;
  moduleType: string | null;
  progress: number;
  planProgress: number;
  details: Record<string, unknown>;
  /** Defaults to now (seeding writes past days). */
  recordedAt?: string;
};

/** Stores one progress update and sets the plan's progress to `planProgress`; returns when it was recorded. */
export const storeProgress = async (db: Queryable, r: NewProgressRecord): Promise<string> => {
  const { rows } = await db.query<{ recorded_at: Date }>(
    `INSERT INTO health_plan_progress (plan_id, module_type, progress, plan_progress, details, record_date, recorded_at)
     SELECT $1, $2, $3, $4, $5, (t.at AT TIME ZONE 'UTC')::date, t.at
     FROM (SELECT coalesce($6::timestamptz, now()) AS at) t
     RETURNING recorded_at`,
    [r.planId, r.moduleType, r.progress, r.planProgress, JSON.stringify(r.details), r.recordedAt ?? null],
  );
  await db.query('UPDATE health_plans SET progress = $2, updated_at = greatest(updated_at, $3) WHERE id = $1', [
    r.planId, r.planProgress, rows[0]?.recorded_at ?? new Date(),
  ]);
  return (rows[0]?.recorded_at ?? new Date()).toISOString();
};

/** The profile fields plan modules are computed from; null without a stored profile. */
export const loadPlanProfile = async (db: Queryable, userId: string): Promise<PlanProfile | null> => {
  const { rows } = await db.query<PlanProfile>(
    'SELECT age, gender, height_cm, weight_kg, activity_level FROM user_profiles WHERE user_id = $1',
    [userId],
  );
  return rows[0] ?? null;
};
