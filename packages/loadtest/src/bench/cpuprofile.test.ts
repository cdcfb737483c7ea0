import { selfTimeByArea, selfTimeByFunction, type CpuProfile } from './cpuprofile';
import { statsDelta } from './redis-counts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** root → idle, root → a (repo) → b (a package); samples 1 ms apart from t = 1000 µs. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('relay', 'file:///repo/services/ws-gateway/src/outbox.ts', 9), children: [4] },
    { id: 4, callFrame: frame('send', 'file:///repo/node_modules/.pnpm/ws@8/node_modules/ws/lib/sender.js', 99) },
  ],
  samples: [2, 3, 4, 4, 2, 4],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  startTime: 0,
  endTime: 7000,
};

describe('cpu profile summary', () => {
  it('adds self time per function, leaving idle out', () => {
    const { busyMs, rows } = selfTimeByFunction(profile);
    expect(busyMs).toBe(4);
    expect(rows.map((r) => [r.name, r.ms])).toEqual([
      ['send ws/lib/sender.js:100', 3],
      ['relay services/ws-gateway/src/outbox.ts:10', 1],
    ]);
  });

  it('groups by package or repo module', () => {
    expect(selfTimeByArea(profile).rows.map((r) => r.name)).toEqual(['ws', 'services/ws-gateway']);
  });

  it('counts only the samples inside a window of the monotonic clock', () => {
    // Samples fall at 1000, 2000, …, 6000 µs; the window keeps 3000–4000 (the two `send` in a row).
    expect(selfTimeByFunction(profile, 25, { fromUs: 3000, toUs: 4000 }).busyMs).toBe(2);
  });
});

describe('redis command deltas', () => {
  it('keeps what grew, largest first', () => {
    const before = new Map([['evalsha', 10], ['get', 5]]);
    const after = new Map([['evalsha', 130], ['get', 5], ['publish', 7]]);
    expect(statsDelta(before, after)).toEqual([['evalsha', 120], ['publish', 7]]);
  });
});
