import { parseLoadArgs, type LoadOptions } from './args';
import { shardSpecs, shares } from './specs';

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `u_${i}`, token: `t${i}` }));
const target = { wsUrls: ['ws://a', 'ws://b'], httpBase: 'http://a', simUrl: 'http://sim' };

describe('splitting a run between client processes', () => {
  it('shares differ by at most one and sum to the whole', () => {
    expect(shares(10, 3)).toEqual([4, 3, 3]);
    expect(shares(2, 4)).toEqual([1, 1, 0, 0]);
    expect(shares(0, 2)).toEqual([0, 0]);
  });

  it('each process gets consecutive users, its global index, and an equal share of every rate', () => {
    const o = parseLoadArgs(['--scenario', 'mixed', '--users', '7', '--procs', '3', '--rest-rate', '300', '--ramp', '90']) as LoadOptions;
    const specs = shardSpecs(o, target, users(7), ['tok'], 123);
    expect(specs.map((s) => s.users.map((u) => u.userId))).toEqual([['u_0', 'u_1', 'u_2'], ['u_3', 'u_4'], ['u_5', 'u_6']]);
    expect(specs.map((s) => s.firstIndex)).toEqual([0, 3, 5]);
    expect(specs.every((s) => s.rest?.ratePerSecond === 100 && s.rampPerSecond === 30 && s.until === 123)).toBe(true);
    expect(specs[0]).toMatchObject({ index: 0, scenario: 'mixed', wsUrls: target.wsUrls, simUrl: 'http://sim', rest: { tokens: ['tok'] } });
  });

  it('the warm-up connections are split too, never more than a process has', () => {
    const o = parseLoadArgs(['--scenario', 'idle', '--connections', '5', '--warmup', '4', '--procs', '2']) as LoadOptions;
    expect(shardSpecs(o, target, users(5), [], undefined).map((s) => [s.users.length, s.warmup])).toEqual([[3, 2], [2, 2]]);
    expect(shardSpecs(o, target, users(5), [], undefined).every((s) => s.rest === null && s.voice === null)).toBe(true);
  });

  it('voice: every process speaks the same way, utterances per user as its chats', () => {
    const o = parseLoadArgs(['--scenario', 'voice', '--users', '4', '--procs', '2', '--utterances', '2', '--pace', '0']) as LoadOptions;
    const specs = shardSpecs(o, target, users(4), [], undefined);
    expect(specs.map((s) => [s.users.length, s.chats, s.voice])).toEqual([
      [2, 2, { utteranceMs: 1500, frameMs: 100, pace: 0 }],
      [2, 2, { utteranceMs: 1500, frameMs: 100, pace: 0 }],
    ]);
  });
});
