-- Up Migration
-- Family invitations, family challenges with their participants, and the daily metrics the family
-- report and leaderboard read beside activity_records and sleep_records (0001).

CREATE TABLE family_invitations (
  id             uuid PRIMARY KEY,
  family_id      uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  inviter_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  invitee_email  text NOT NULL,                 -- as given; matched case-insensitively
  role           text NOT NULL CHECK (role IN ('owner', 'manager', 'viewer')),
  -- Delivered out of band (by email); 16 upper-case hex characters.
  invite_code    text NOT NULL UNIQUE CHECK (invite_code ~ '^[0-9A-F]{16}$'),
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
  message        text,
  decline_reason text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  responded_at   timestamptz,
  CHECK (expires_at > created_at)
);
-- At most one open invitation per family and address (expired ones are closed before a new one).
CREATE UNIQUE INDEX family_invitations_pending_idx ON family_invitations (family_id, lower(invitee_email))
  WHERE status = 'pending';

CREATE TABLE family_challenges (
  id             text PRIMARY KEY,              -- challenge_{family_id}_{YYYYMMDD_HHMMSS}[_suffix]
  family_id      uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  title          text NOT NULL,
  description    text NOT NULL,
  challenge_type text NOT NULL CHECK (challenge_type IN ('activity', 'nutrition', 'sleep', 'weight_management')),
  target_metric  text NOT NULL,
  target_value   double precision NOT NULL CHECK (target_value > 0),
  duration_days  integer NOT NULL CHECK (duration_days BETWEEN 1 AND 90),
  start_date     date NOT NULL,
  end_date       date NOT NULL,
  rewards        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by     text NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date = start_date + duration_days)
);
CREATE INDEX family_challenges_family_idx ON family_challenges (family_id, start_date);

CREATE TABLE family_challenge_participants (
  challenge_id text NOT NULL REFERENCES family_challenges(id) ON DELETE CASCADE,
  user_id      text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position     integer NOT NULL,                -- the order the creator listed them in
  PRIMARY KEY (challenge_id, user_id)
);

-- One row per person and day; any column may be missing (a scale reading without a meal log).
CREATE TABLE daily_health_metrics (
  user_id        text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day            date NOT NULL,
  weight_kg      double precision CHECK (weight_kg BETWEEN 20 AND 500),
  resting_hr     integer CHECK (resting_hr BETWEEN 20 AND 250),
  max_hr         integer CHECK (max_hr BETWEEN 20 AND 250),
  avg_hr         integer CHECK (avg_hr BETWEEN 20 AND 250),
  calorie_intake integer CHECK (calorie_intake >= 0),
  protein_grams  double precision CHECK (protein_grams >= 0),
  carb_grams     double precision CHECK (carb_grams >= 0),
  PRIMARY KEY (user_id, day)
);

-- Down Migration
DROP TABLE daily_health_metrics;
DROP TABLE family_challenge_participants;
DROP TABLE family_challenges;
DROP TABLE family_invitations;
