-- Up Migration
-- Phase V: health reminders (for oneself or a family member one may act for) and their deliveries.
-- user_id is not a foreign key, as for conversations and goals: a valid token is enough.

CREATE TABLE reminders (
  id            uuid PRIMARY KEY,
  user_id       text NOT NULL,                  -- the person it reminds (whose devices get it)
  created_by    text NOT NULL,                  -- who set it (the user, or a family member acting for them)
  title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  message       text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 500),
  schedule_type text NOT NULL CHECK (schedule_type IN ('once', 'cron')),
  run_at        timestamptz,                    -- once
  cron          text,                           -- cron: 5 or 6 fields, in `timezone`
  timezone      text NOT NULL DEFAULT 'Asia/Shanghai',
  goal_id       text,
  plan_id       text,
  smart         boolean NOT NULL DEFAULT false, -- let the language model phrase it from recent data
  enabled       boolean NOT NULL DEFAULT true,
  -- Bumped by every edit: jobs scheduled for an older revision do nothing when they run.
  revision      integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((schedule_type = 'once' AND run_at IS NOT NULL AND cron IS NULL)
      OR (schedule_type = 'cron' AND cron IS NOT NULL AND run_at IS NULL))
);
CREATE INDEX reminders_user_idx ON reminders (user_id, created_at);
CREATE INDEX reminders_created_by_idx ON reminders (created_by, created_at);

-- One row per occurrence: however many workers run, and however often a job is retried, an
-- occurrence is delivered once. Read (acknowledged) on any device = read everywhere.
CREATE TABLE reminder_deliveries (
  id          uuid PRIMARY KEY,
  reminder_id uuid NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  due_at      timestamptz NOT NULL,
  title       text NOT NULL,
  message     text NOT NULL,                    -- as delivered (the model's phrasing when smart)
  smart       boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz,
  UNIQUE (reminder_id, due_at)
);
CREATE INDEX reminder_deliveries_unread_idx ON reminder_deliveries (user_id, due_at) WHERE read_at IS NULL;

-- Down Migration
DROP TABLE reminder_deliveries;
DROP TABLE reminders;
