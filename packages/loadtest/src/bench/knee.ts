/** What one concurrency step of the knee search measured. */
export type StepOutcome = { streams: number; addedLatencyP99Ms: number; complete: boolean };

export type KneeResult = {
  /** The largest step that stayed within the limit with every chat exact; null if even the first did not. */
  knee: number | null;
  /** True when no step passed the limit: the knee is at least `knee` (a lower bound). */
  atLeast: boolean;
  /** The first step over the limit (or incomplete), if one was reached. */
  firstOver: number | null;
  steps: StepOutcome[];
};

/** A step passes when every chat completed exactly and added-latency p99 stayed at or under the limit. */
export const stepPasses = (s: StepOutcome, limitMs: number): boolean => s.complete && s.addedLatencyP99Ms <= limitMs;

/**
 * Runs `steps` (ascending concurrencies) one after another until one passes the latency limit,
 * or the time budget is spent (a step is not started once `budgetMs` has passed since the start).
 */
export const searchKnee = async (
  steps: number[],
  limitMs: number,
  budgetMs: number,
  run: (streams: number) => Promise<StepOutcome>,
  clock: () => number = Date.now,
): Promise<KneeResult> => {
  const started = clock();
  const done: StepOutcome[] = [];
  let knee: number | null = null;
  for (const streams of steps) {
    if (done.length > 0 && clock() - started >= budgetMs) break;
    const outcome = await run(streams);
    done.push(outcome);
    if (!stepPasses(outcome, limitMs)) return { knee, atLeast: false, firstOver: streams, steps: done };
    knee = streams;
  }
  return { knee, atLeast: true, firstOver: null, steps: done };
};
