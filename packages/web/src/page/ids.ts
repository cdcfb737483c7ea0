/// <reference lib="dom" />

export const randomHex = (bytes: number): string => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The id of a conversation this page starts. Named here because without one the gateway goes on
 * with the conversation its socket talked in last (the original service's habit), so 新对话 would
 * not start one. Ids are per user, so only unguessable among the user's own: 96 random bits.
 */
export const newConversationId = (): string => `conv_web_${Date.now()}_${randomHex(12)}`;
