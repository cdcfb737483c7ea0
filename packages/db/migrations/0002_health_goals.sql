-- Up Migration
-- Goals a user sets for themself. Two tables, not one: the contract has two goal models that
-- share little. A user health goal (routes 14-15) has a title, a free-text type, a status and
-- optional target and current values; a health goal (routes 19-21) has an enumerated type with a
-- required, capped target and a unit, and no title or status. One table would need a kind column,
-- nullable columns for each model's required fields and CHECKs that depend on the kind; two keep
-- each model's constraints plain.
--
-- Progress is measured, not stored, where the type has a measure (steps -> activity_records,
-- sleep -> sleep_records, weight -> user_profiles.weight_kg): the stores compute it on read.
-- `initial_value` is the value at creation (the fallback without measurements), and
-- `baseline_weight_kg` the weight at creation, from which weight-change goals are measured.
--
-- user_id is not a foreign key, as for conversations: a valid token is enough to keep goals,
-- even without a stored user (the development token's user has none).

CREATE TABLE user_health_goals (
  id                 text PRIMARY KEY,             -- goal_{user_id}_{type}_{unix_seconds}
  user_id            text NOT NULL,
  title              text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description        text CHECK (char_length(description) <= 1000),
  type               text NOT NULL,
  target_value       double precision,
  initial_value      double precision,             -- the current_value sent at creation
  unit               text,
  target_date        date,
  status             text NOT NULL DEFAULT 'active',
  baseline_weight_kg double precision,
  seq                bigint GENERATED ALWAYS AS IDENTITY, -- stored order
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_health_goals_user_idx ON user_health_goals (user_id, seq);

CREATE TABLE health_goals (
  id                 text PRIMARY KEY,             -- goal_{user_id}_{goal_type}_{unix_seconds}
  user_id            text NOT NULL,
  goal_type          text NOT NULL CHECK (goal_type IN ('weight_loss', 'weight_gain', 'fitness', 'nutrition', 'sleep', 'steps')),
  target_value       double precision NOT NULL CHECK (target_value > 0 AND target_value <= 1000000),
  target_unit        text NOT NULL CHECK (char_length(target_unit) BETWEEN 1 AND 20),
  target_date        date,
  description        text CHECK (char_length(description) <= 500),
  initial_value      double precision NOT NULL DEFAULT 0,
  baseline_weight_kg double precision,
  seq                bigint GENERATED ALWAYS AS IDENTITY, -- stored order
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_goals_user_idx ON health_goals (user_id, seq);

-- Down Migration
DROP TABLE health_goals;
DROP TABLE user_health_goals;
