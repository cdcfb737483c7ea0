// Helpers shared by the tests of the OpenAI-compatible engines, which run against the simulator.
import { createServer } from 'node:net';
import { VoiceProviderError } from './voice-error';

/** A base URL on a loopback port that nothing listens on: connections to it are refused. */
export const refusedBaseURL = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}/v1`;
};

/** What a promise rejected with, or null if it resolved. */
export const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (err: unknown) => err,
  );

/** Asserts a VoiceProviderError with these fields and returns it. */
export const expectProviderError = (err: unknown, expected: Partial<Pick<VoiceProviderError, 'code' | 'status' | 'provider'>>) => {
  expect(err).toBeInstanceOf(VoiceProviderError);
  expect(err).toMatchObject(expected);
  return err as VoiceProviderError;
};

/** Polls until the simulator has recorded what a test waits for (a cancelled stream is recorded on close). */
export const eventually = async (check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the simulator did not record it within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
