import { searchKnee, stepPasses, type StepOutcome } from './knee';

const outcome = (streams: number, p99: number, complete = true): StepOutcome => ({ streams, addedLatencyP99Ms: p99, complete });

describe('searchKnee', () => {
  const p99By = (table: Record<number, number>) => async (streams: number) => outcome(streams, table[streams]!);

  it('stops at the first step over the limit; the knee is the last step within it', async () => {
    const run = jest.fn(p99By({ 50: 5, 100: 20, 200: 80, 400: 300 }));
    const k = await searchKnee([50, 100, 200, 400], 50, 60_000, run);
    expect(k).toMatchObject({ knee: 100, atLeast: false, firstOver: 200 });
    expect(run.mock.calls.map(([s]) => s)).toEqual([50, 100, 200]);
  });

  it('reports a lower bound when no step passed the limit', async () => {
    const k = await searchKnee([50, 100], 50, 60_000, p99By({ 50: 1, 100: 2 }));
    expect(k).toMatchObject({ knee: 100, atLeast: true, firstOver: null });
  });

  it('has no knee when the first step is already over', async () => {
    expect(await searchKnee([50, 100], 50, 60_000, p99By({ 50: 51, 100: 1 }))).toMatchObject({ knee: null, atLeast: false, firstOver: 50 });
  });

  it('an incomplete step counts as over the limit whatever its latency', async () => {
    const k = await searchKnee([50, 100], 50, 60_000, async (s) => outcome(s, 1, s < 100));
    expect(k).toMatchObject({ knee: 50, firstOver: 100 });
    expect(stepPasses(outcome(50, 50), 50)).toBe(true);
  });

  it('starts no new step once the budget is spent (the first always runs)', async () => {
    let now = 0;
    const run = jest.fn(async (s: number) => ((now += 40_000), outcome(s, 1)));
    const k = await searchKnee([50, 100, 200, 400], 50, 60_000, run, () => now);
    expect(run).toHaveBeenCalledTimes(2);
    expect(k).toMatchObject({ knee: 100, atLeast: true });
  });
});
