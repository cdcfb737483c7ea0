/** Wall-clock milliseconds with sub-ms precision, comparable across the processes of one machine (the simulator stamps tokens the same way). */
export const now = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
