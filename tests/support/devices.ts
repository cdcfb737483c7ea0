import type { TestClient } from './ws-client';

/**
 * The devices a test file opened. A user may hold only 3 connections, so each test closes its
 * own (`afterEach(devices.closeAll)`) and waits until the gateways have seen them go.
 */
export const openDevices = () => {
  const open: TestClient[] = [];
  return {
    track: (c: TestClient): TestClient => (open.push(c), c),
    closeAll: async (): Promise<void> => {
      const closing = open.splice(0);
      for (const c of closing) c.close();
      await Promise.all(closing.map((c) => c.closed));
    },
  };
};
