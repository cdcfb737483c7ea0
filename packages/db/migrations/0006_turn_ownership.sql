-- Up Migration
-- Conversations belong to their user: the key is (user_id, id), so each user has a namespace of
-- their own. An old client that names its own conversation ids (the Phase IV usage guide sends
-- `conv_123`) gets its own conversation whatever another user chose, and an id never tells anyone
-- that it exists elsewhere. A turn belongs to a conversation of the same user, enforced by the
-- schema itself: no bug or skipped check in any service can store one user's turn in another
-- user's conversation (security review, issue 12). Turns that already break the rule were written
-- through that hole (they would feed another person's prompts), so they are removed first.

DELETE FROM messages m
 USING conversations c
 WHERE c.id = m.conversation_id AND c.user_id <> m.user_id;

ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;
ALTER TABLE conversations DROP CONSTRAINT conversations_pkey;
ALTER TABLE conversations ADD PRIMARY KEY (user_id, id);
ALTER TABLE messages ADD CONSTRAINT messages_conversation_owner_fkey
  FOREIGN KEY (user_id, conversation_id) REFERENCES conversations (user_id, id) ON DELETE CASCADE;
DROP INDEX messages_conversation_idx;
CREATE INDEX messages_conversation_idx ON messages (user_id, conversation_id, created_at);

-- Down Migration
DROP INDEX messages_conversation_idx;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at);
ALTER TABLE messages DROP CONSTRAINT messages_conversation_owner_fkey;
ALTER TABLE conversations DROP CONSTRAINT conversations_pkey;
ALTER TABLE conversations ADD PRIMARY KEY (id);
ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey
  FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE;
