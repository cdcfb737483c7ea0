import type { Logger } from './logger';

type Step = { name: string; run: () => Promise<unknown> | unknown };

export type Shutdown = {
  /** Adds a step; steps run in the order they were added (stop intake → drain → close queues → quit Redis). */
  add(name: string, run: Step['run']): void;
  /** Runs every step once, even when called again or when a step fails; resolves true if all finished in time. */
  run(reason: string): Promise<boolean>;
  readonly started: boolean;
};

export const createShutdown = (logger: Logger, deadlineMs: number): Shutdown => {
  const steps: Step[] = [];
  let running: Promise<boolean> | undefined;

  const runSteps = async (): Promise<void> => {
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
  };

  const run = (reason: string): Promise<boolean> => {
    if (running) return running;
    logger.info({ reason, deadlineMs }, 'shutting down');
    running = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        logger.error({ deadlineMs }, 'shutdown deadline passed');
        resolve(false);
      }, deadlineMs);
      timer.unref();
      void runSteps().then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    return running;
  };

  return {
    add: (name, fn) => void steps.push({ name, run: fn }),
    run,
    get started() {
      return running !== undefined;
    },
  };
};

/** SIGTERM/SIGINT run the shutdown, then the process exits (1 if the deadline passed). */
export const exitOnSignals = (shutdown: Shutdown, logger: Logger): void => {
  const onSignal = (signal: NodeJS.Signals) => {
    void shutdown.run(signal).then((clean) => {
      logger.info({ clean }, 'bye');
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
};
