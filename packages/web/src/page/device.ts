/// <reference lib="dom" />
import { DEVICE_ID_PATTERN } from '@aurawell/client';

const KEY = 'aurawell.device_id';

const newDeviceId = (): string => `web-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * This browser's device id, kept in localStorage so a reminder reaches it once across reloads and
 * reconnects (tabs of one browser share it). Without storage (private mode) it lasts one page load.
 */
export const deviceId = (): string => {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored !== null && DEVICE_ID_PATTERN.test(stored)) return stored;
    const id = newDeviceId();
    localStorage.setItem(KEY, id);
    return id;
  } catch {
    return newDeviceId();
  }
};
