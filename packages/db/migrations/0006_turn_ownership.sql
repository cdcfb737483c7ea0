-- Up Migration
-- A turn belongs to a conversation of the same user, enforced by the schema itself: a bug or a
-- skipped check in any service can no longer store one user's turn in another user's conversation
-- (security review, issue 12). Turns that already break the rule were written through that hole
-- (they would feed another person's prompts), so they are removed first.

DELETE FROM messages m
 USING conversations c
 WHERE c.id = m.conversation_id AND c.user_id <> m.user_id;

ALTER TABLE conversations ADD CONSTRAINT conversations_id_user_key UNIQUE (id, user_id);
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;
ALTER TABLE messages ADD CONSTRAINT messages_conversation_owner_fkey
  FOREIGN KEY (conversation_id, user_id) REFERENCES conversations (id, user_id) ON DELETE CASCADE;

-- Down Migration
ALTER TABLE messages DROP CONSTRAINT messages_conversation_owner_fkey;
ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey
  FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE;
ALTER TABLE conversations DROP CONSTRAINT conversations_id_user_key;
