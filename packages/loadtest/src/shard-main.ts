import { Shard } from './shard';
import type { ShardDown, ShardUp } from './shard-protocol';
import { shardScenarios } from './shard-scenarios';

// A client process forked by `pnpm loadtest --procs N`: takes its spec from the parent, runs its
// users, reports every second over IPC, and exits once the parent disconnects after `done`.

let shard: Shard | null = null;
const send = (m: ShardUp) => process.send?.(m);

process.on('message', (m: ShardDown) => {
  if (m.kind !== 'start') return shard?.command(m.kind);
  shard = new Shard(m.spec, send);
  void shard.run(shardScenarios[m.spec.scenario]);
});
// The parent went away (Ctrl-C, a crash): nothing left to report to.
process.on('disconnect', () => setTimeout(() => process.exit(0), 1000).unref());
