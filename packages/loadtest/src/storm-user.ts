import { randomUUID } from 'node:crypto';
import type { AuraWellClient, Generation } from '@aurawell/client';
import { ChatMeter } from './chat-meter';
import { awaitEnd, chatMessage, connectFailure, meterGeneration, transcriptFor } from './chat-user';
import { now } from './clock';
import { countChat, type Count } from './counters';
import type { Recorders } from './histogram';
import { connectClient } from './sdk-client';
import { ramp, type Shard } from './shard';

/**
 * Watches one client through connection drops: `reconnect` (the SDK saw the drop → the next
 * `connection_established`), `resume_first_frame` (that → the first frame of the unfinished answer
 * on the new connection), and the frames of the answer the server had created before the client
 * was back (`replayed_frames`, by the frames' own timestamps: the resume's replay).
 */
export const watchReconnects = (client: AuraWellClient, gen: Generation, rec: Recorders, count: Count): (() => void) => {
  let droppedAt: number | null = null;
  let backAt: number | null = null;
  let awaitingFirst = false;
  const offs = [
    client.on('state', (s) => {
      if (s !== 'reconnecting' || droppedAt !== null) return;
      droppedAt = now();
      count('drops');
      if (!gen.finished) count('interrupted_generations');
    }),
    client.on('connection_established', () => {
      if (droppedAt === null) return;
      backAt = now();
      rec.get('reconnect').record(backAt - droppedAt);
      count('reconnects');
      awaitingFirst = !gen.finished;
      droppedAt = null;
    }),
    client.on('frame', (f) => {
      if (backAt === null || !('message_id' in f) || f.message_id !== gen.messageId) return;
      if (awaitingFirst) {
        rec.get('resume_first_frame').record(now() - backAt);
        count('resumed_generations');
        awaitingFirst = false;
      }
      if ('timestamp' in f && Date.parse(f.timestamp) < backAt) count('replayed_frames');
    }),
  ];
  return () => offs.forEach((off) => off());
};

/** Marks the shard's user armed once `tokens` tokens of its answer arrived (then the drop hits it mid-answer). */
const armAfter = (client: AuraWellClient, meter: ChatMeter, tokens: number, arm: () => void): (() => void) => {
  let seen = 0;
  const off = client.on('chat_stream', (f) => {
    if (f.message_id !== meter.messageId || ++seen < tokens) return;
    off();
    arm();
  });
  return off;
};

/**
 * A reconnect-storm user: connect, ask one question with a long answer, get dropped mid-answer
 * with everyone else, reconnect through the SDK (backoff with jitter) and resume; the answer must
 * still be exactly what the simulator sent.
 */
export const stormUser = async (shard: Shard, i: number): Promise<void> => {
  const { spec } = shard;
  const cred = spec.users[i]!;
  const count: Count = (key, by) => shard.count(key, by);
  let client: AuraWellClient;
  try {
    client = await connectClient(shard.setup, cred, spec.firstIndex + i, shard.rec, spec.connectTimeoutMs);
  } catch (err) {
    shard.settled += 1;
    return countChat(count, connectFailure(err));
  }
  shard.clients.add(client);
  const message = chatMessage(cred.userId, 0);
  const meter = new ChatMeter(message, shard.rec);
  const requestId = randomUUID();
  const offMeter = meterGeneration(client, meter, requestId);
  const gen = client.healthChat(message, { requestId });
  const offArm = armAfter(client, meter, spec.armTokens, () => (shard.armed += 1));
  const offWatch = watchReconnects(client, gen, shard.rec, count);
  shard.settled += 1;
  const end = await awaitEnd(client, gen, spec.chatTimeoutMs);
  [offMeter, offArm, offWatch].forEach((off) => off());
  countChat(count, meter.finish(end, await transcriptFor(shard.lookup, message, end)));
  shard.clients.delete(client);
  client.close();
};

/** The storm in one client process: users start their answers; on `drop` every socket is terminated at once. */
export const stormShard = async (shard: Shard): Promise<void> => {
  shard.on('drop', () => shard.count('terminated_sockets', shard.pool.terminateAll()));
  await ramp(shard.spec.users.length, shard.spec.rampPerSecond, (i) => stormUser(shard, i));
};
