import { ConfigError } from './config';

/**
 * Starts a service: configuration first (a bad environment prints one line and exits 1), then
 * `main`; a failure while starting prints one line and exits 1 too, so an orchestrator sees it.
 */
export const runService = <C>(name: string, loadConfig: () => C, main: (config: C) => Promise<void>): void => {
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  }
  main(config).catch((err: unknown) => {
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
};
