-- Up Migration
-- Health plans (REST routes 24–34): a plan, its modules in order, the feedback users send on it,
-- and every progress update, from which the progress report is computed.

-- user_id is not a foreign key: a valid token is enough to own a plan, even without a stored user
-- (the dev token's user), as with conversations.
CREATE TABLE health_plans (
  id            text PRIMARY KEY,                 -- plan_{user_id}_{unix_seconds}
  user_id       text NOT NULL,
  title         text NOT NULL,
  description   text NOT NULL,
  duration_days integer NOT NULL CHECK (duration_days BETWEEN 1 AND 3650),
  status        text NOT NULL DEFAULT 'active',
  progress      double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  goals         jsonb NOT NULL DEFAULT '[]'::jsonb,
  preferences   jsonb NOT NULL DEFAULT '{}'::jsonb,
  template_id   text,                             -- set when created from a catalogue template
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_plans_user_idx ON health_plans (user_id, created_at DESC);

-- A plan may ask for the same module type twice; position keeps the requested order.
CREATE TABLE health_plan_modules (
  plan_id       text NOT NULL REFERENCES health_plans(id) ON DELETE CASCADE,
  position      integer NOT NULL,
  module_type   text NOT NULL,
  title         text NOT NULL,
  description   text NOT NULL,
  content       jsonb NOT NULL DEFAULT '{}'::jsonb,
  duration_days integer NOT NULL,
  PRIMARY KEY (plan_id, position)
);

CREATE TABLE health_plan_feedback (
  id         text PRIMARY KEY,                    -- feedback_{plan_id}_{unix_seconds}
  plan_id    text NOT NULL REFERENCES health_plans(id) ON DELETE CASCADE,
  user_id    text NOT NULL,
  content    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_plan_feedback_plan_idx ON health_plan_feedback (plan_id, created_at);

-- One row per progress update. module_type NULL = the whole plan. plan_progress is the plan's
-- overall progress right after this update, so the daily series needs no replay.
CREATE TABLE health_plan_progress (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id       text NOT NULL REFERENCES health_plans(id) ON DELETE CASCADE,
  module_type   text,
  progress      double precision NOT NULL CHECK (progress BETWEEN 0 AND 100),
  plan_progress double precision NOT NULL CHECK (plan_progress BETWEEN 0 AND 100),
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,  -- the update as sent
  record_date   date NOT NULL DEFAULT current_date,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_plan_progress_plan_idx ON health_plan_progress (plan_id, id);

-- Down Migration
DROP TABLE health_plan_progress;
DROP TABLE health_plan_feedback;
DROP TABLE health_plan_modules;
DROP TABLE health_plans;
