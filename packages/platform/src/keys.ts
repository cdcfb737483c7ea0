/**
 * Every Redis key, channel and queue name of the system, built in one place.
 *
 * Per-user keys share the hash tag `{u:<userId>}` so that the scripts touching a user's
 * generations and connections stay within one slot on Redis Cluster. Generation keys are
 * per user too: a message id of another user simply does not exist for you.
 */
export type Keys = ReturnType<typeof createKeys>;

/** User ids that may appear in keys: what the login and registration hand out. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@:-]{1,64}$/;

const TURNS_SUFFIX = ':turns';

/**
 * Buckets of the reaper's index of unfinished generations: each is one key (one slot on a
 * cluster), so the index spreads over the shards; the reaper scans every bucket.
 */
export const RUNNING_BUCKETS = 16;

/** A user's bucket: a small stable string hash (FNV-1a), the same in every process. */
const bucketOf = (userId: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i += 1) h = Math.imul(h ^ userId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % RUNNING_BUCKETS;
};

/**
 * `taggedQueues`: the BullMQ queues live on a Redis Cluster, where every key of a queue must
 * share one slot: their prefix then carries the hash tag `{bull}`. On a standalone Redis the
 * prefix stays as it always was, so an upgrade finds its waiting jobs.
 */
export const createKeys = (prefix: string, opts: { taggedQueues?: boolean } = {}) => {
  const user = (userId: string) => `${prefix}:{u:${userId}}`;
  const running = (bucket: number) => `${prefix}:gens:running:{r${bucket}}`;
  return {
    prefix,
    /** BullMQ's own prefix; its keys live under it. */
    queuePrefix: opts.taggedQueues ? `${prefix}:{bull}` : `${prefix}:bull`,
    chatQueue: 'chat',
    /** BullMQ queue of reminder occurrences (job schedulers and delayed jobs). */
    reminderQueue: 'reminders',
    /**
     * Sharded pub/sub channel (SPUBLISH) carrying the frames of a user's generations to every
     * gateway that holds the user; in the user's slot, beside the generation keys that publish to it.
     */
    userChannel: (userId: string) => `${user(userId)}:frames`,
    /**
     * Sorted set: `<gatewayId>:<connectionId>` → expiry (ms epoch) of that connection's
     * registration; the member names the gateway, whose liveness key (`gateway`) tells ghosts apart.
     */
    userConnections: (userId: string) => `${user(userId)}:conns`,
    /** Sorted set: message id → deadline (ms epoch) of the user's running generations. */
    userGenerations: (userId: string) => `${user(userId)}:gens`,
    /**
     * Sorted set: the unfinished generations of one conversation, in the order they were asked
     * (score: acceptance order). Only the first may run: questions in a conversation are answered one after another.
     */
    conversationTurns: (userId: string, conversationId: string) => `${user(userId)}:conv:${conversationId}${TURNS_SUFFIX}`,
    /** What the scripts put before a conversation id (read from a generation's hash) and a message id to name those keys. */
    scriptPrefixes: (userId: string) => ({ conversation: `${user(userId)}:conv:`, turnsSuffix: TURNS_SUFFIX, generation: `${user(userId)}:gen:` }),
    /** Hash: status, seq, owner, conversation of one generation. */
    generationMeta: (userId: string, messageId: string) => `${user(userId)}:gen:${messageId}`,
    /** Stream of a generation's frames, entry id `<seq>-0`, for replay. */
    generationFrames: (userId: string, messageId: string) => `${user(userId)}:gen:${messageId}:frames`,
    /**
     * Sorted set of unfinished generations (`userId\nmessageId` → deadline) of the users in one
     * bucket, so a reaper can end the ones whose worker vanished.
     */
    runningGenerations: (userId: string) => running(bucketOf(userId)),
    /** Every bucket of the running index, for the reaper's sweep. */
    runningGenerationBuckets: Array.from({ length: RUNNING_BUCKETS }, (_, b) => running(b)),
    /** Set when a user asks to stop a generation; checked by the worker that claims it. */
    generationCancel: (userId: string, messageId: string) => `${user(userId)}:gen:${messageId}:cancel`,
    /** Pub/sub channel telling workers to stop a running generation. */
    cancelChannel: `${prefix}:cancel`,
    /** Liveness key of one gateway process. */
    gateway: (gatewayId: string) => `${prefix}:gw:${gatewayId}`,
    /** One-time WebSocket ticket → user id. */
    wsTicket: (ticket: string) => `${prefix}:ticket:${ticket}`,
    /** Held by the one worker re-scheduling reminders missing from the queue. */
    remindersReconcileLock: `${prefix}:reminders:reconcile`,
    /** Present while the user had a reminder delivered in the last week: only then does a connect look for unread ones. */
    remindersRecent: (userId: string) => `${user(userId)}:rem:recent`,
    /** Set once a reminder delivery reached a device (value: when); makes delivery at most once per device. */
    reminderSeen: (userId: string, deliveryId: string, deviceId: string) => `${user(userId)}:rem:${deliveryId}:${deviceId}`,
    /** Hash: the user's frame token bucket (tokens, last refill), shared by every gateway replica. */
    userRateLimit: (userId: string) => `${user(userId)}:rate`,
    /**
     * Key prefix of one api throttle (`login:account`, `register:ip`, …); rate-limiter-flexible
     * appends `:<subject>` (a hashed username, an IP or a user id) to it: a counter with expiry.
     */
    throttle: (name: string) => `${prefix}:throttle:${name}`,
  };
};
