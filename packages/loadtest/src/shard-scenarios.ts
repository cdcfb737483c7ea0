import { chatUser } from './chat-user';
import { countChat, countVoice, type Count } from './counters';
import { restLoad } from './rest-load';
import { connectClient } from './sdk-client';
import { ramp, type Shard } from './shard';
import type { ScenarioName } from './shard-protocol';
import { simSpeeches } from './speech-records';
import { stormShard } from './storm-user';
import { voiceUser } from './voice-user';

/** chat and mixed: every user chats (mixed: until the deadline, beside the REST load). */
const chatShard = async (shard: Shard): Promise<void> => {
  const { spec } = shard;
  const count: Count = (key, by) => shard.count(key, by);
  const o = { chats: spec.chats, thinkMs: spec.thinkMs, timeoutMs: spec.chatTimeoutMs, connectTimeoutMs: spec.connectTimeoutMs, until: spec.until, clients: shard.clients };
  const users = ramp(spec.users.length, spec.rampPerSecond, (i) =>
    chatUser(shard.setup, spec.users[i]!, spec.firstIndex + i, o, shard.rec, shard.lookup, (r) => countChat(count, r)),
  );
  const rest = spec.rest && spec.until !== undefined ? restLoad(spec.httpBase, spec.rest, spec.until, shard.rec, count) : undefined;
  await Promise.all([users, rest]);
};

/** voice: every user asks its spoken questions; texts and audio checked against the simulator when it is known. */
const voiceShard = async (shard: Shard): Promise<void> => {
  const { spec } = shard;
  if (spec.voice === null) throw new Error('voice scenario without a voice plan');
  const count: Count = (key, by) => shard.count(key, by);
  const checks = { lookup: shard.lookup, speeches: spec.simUrl ? simSpeeches(spec.simUrl) : null };
  const o = { utterances: spec.chats, thinkMs: spec.thinkMs, timeoutMs: spec.chatTimeoutMs, connectTimeoutMs: spec.connectTimeoutMs, plan: spec.voice, clients: shard.clients };
  await ramp(spec.users.length, spec.rampPerSecond, (i) => voiceUser(shard.setup, spec.users[i]!, spec.firstIndex + i, o, shard.rec, checks, (r) => countVoice(count, r)));
};

/** Opens user i's connection and keeps it; a drop while held is counted (the SDK reconnects it). */
const holdUser = async (shard: Shard, i: number): Promise<void> => {
  const { spec } = shard;
  try {
    const client = await connectClient(shard.setup, spec.users[i]!, spec.firstIndex + i, shard.rec, spec.connectTimeoutMs);
    shard.clients.add(client);
    shard.count('outcome:ok');
    client.on('state', (s) => s === 'reconnecting' && shard.count('dropped_during_hold'));
  } catch (err) {
    shard.count(`outcome:connect:${(err as Error).message}`);
  } finally {
    shard.settled += 1;
  }
};

/** connect and idle: the warm-up connections, then (on `continue`) the rest, held until `release`. */
const holdShard = async (shard: Shard): Promise<void> => {
  const { spec } = shard;
  await ramp(spec.warmup, spec.rampPerSecond, (i) => holdUser(shard, i));
  await shard.waitFor('continue');
  await ramp(spec.users.length - spec.warmup, spec.rampPerSecond, (i) => holdUser(shard, spec.warmup + i));
  await shard.waitFor('release');
  shard.count('open_at_release', shard.gauges().open);
  for (const client of shard.clients) client.close();
  shard.clients.clear();
};

/** What each scenario does in a client process. */
export const shardScenarios: Record<ScenarioName, (shard: Shard) => Promise<void>> = {
  chat: chatShard,
  mixed: chatShard,
  connect: holdShard,
  idle: holdShard,
  storm: stormShard,
  voice: voiceShard,
};
