-- Up Migration
-- The tables a chat needs: who the user is, what we know of their health, who they may act for,
-- and every conversation turn.

CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,          -- stored lower-cased
  email         text UNIQUE,
  password_hash text NOT NULL,
  display_name  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_profiles (
  user_id        text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  display_name   text,
  email          text,
  age            integer CHECK (age BETWEEN 13 AND 120),
  gender         text CHECK (gender IN ('male', 'female', 'other')),
  height_cm      double precision CHECK (height_cm BETWEEN 50 AND 300),
  weight_kg      double precision CHECK (weight_kg BETWEEN 20 AND 500),
  activity_level text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activity_records (
  user_id           text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day               date NOT NULL,
  steps             integer,
  distance_km       double precision,
  calories_burned   integer,
  active_minutes    integer,
  exercise_sessions integer,
  PRIMARY KEY (user_id, day)
);

CREATE TABLE sleep_records (
  user_id           text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day               date NOT NULL,
  total_sleep_hours double precision,
  deep_sleep_hours  double precision,
  light_sleep_hours double precision,
  rem_sleep_hours   double precision,
  sleep_efficiency  double precision,
  bedtime           timestamptz,
  wake_time         timestamptz,
  PRIMARY KEY (user_id, day)
);

CREATE TABLE families (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text,
  owner_id    text NOT NULL REFERENCES users(id),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE family_members (
  family_id   uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'manager', 'viewer')),
  joined_at   timestamptz NOT NULL DEFAULT now(),
  last_active timestamptz,
  is_active   boolean NOT NULL DEFAULT true,
  PRIMARY KEY (family_id, user_id)
);
CREATE INDEX family_members_user_idx ON family_members (user_id);

-- user_id is not a foreign key: a valid token is enough to chat, even without a stored user.
CREATE TABLE conversations (
  id         text PRIMARY KEY,
  user_id    text NOT NULL,
  member_id  text,
  type       text NOT NULL DEFAULT 'health_consultation',
  title      text,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  status     text NOT NULL DEFAULT 'active',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_idx ON conversations (user_id, updated_at DESC);

CREATE TABLE messages (
  id              text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  user_id         text NOT NULL,
  role            text NOT NULL CHECK (role IN ('user', 'assistant')),
  content         text NOT NULL,
  -- complete | cancelled | error (an assistant turn that ended early keeps its partial text)
  status          text NOT NULL DEFAULT 'complete',
  generation_id   text,
  usage           jsonb,
  suggestions     jsonb,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at);
CREATE UNIQUE INDEX messages_generation_role_idx ON messages (generation_id, role) WHERE generation_id IS NOT NULL;

-- Down Migration
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE family_members;
DROP TABLE families;
DROP TABLE sleep_records;
DROP TABLE activity_records;
DROP TABLE user_profiles;
DROP TABLE users;
