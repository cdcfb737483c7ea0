/// <reference lib="dom" />
import { DEVICE_ID_PATTERN } from '@aurawell/client';
import { randomHex as hex } from './ids';

const BROWSER_KEY = 'aurawell.device_id';
const TAB_KEY = 'aurawell.tab_id';
/** Set while this tab's page is alive; found on load only in a copy of a live tab's storage. */
const LIVE_KEY = 'aurawell.tab_live';
const TAB_ID = /^[0-9a-f]{8}$/;

/** This browser's id, kept in localStorage (shared by its tabs). Without storage (private mode) it lasts one page load. */
const browserId = (): string => {
  try {
    const stored = localStorage.getItem(BROWSER_KEY);
    if (stored !== null && DEVICE_ID_PATTERN.test(stored)) return stored;
    const id = `web-${hex(12)}`;
    localStorage.setItem(BROWSER_KEY, id);
    return id;
  } catch {
    return `web-${hex(12)}`;
  }
};

/**
 * This tab's id, kept in sessionStorage: it survives reloads, and no other tab has it. A browser
 * copies a tab's sessionStorage into a tab opened from it (window.open, "duplicate tab"); the
 * live mark tells such a copy from a reload (a reload's `pagehide` removed it first), and the copy
 * takes a new id. A tab restored after a crash also takes one, which costs nothing.
 */
const tabId = (): string => {
  try {
    const stored = sessionStorage.getItem(TAB_KEY);
    const copied = sessionStorage.getItem(LIVE_KEY) !== null;
    const id = stored !== null && TAB_ID.test(stored) && !copied ? stored : hex(4);
    sessionStorage.setItem(TAB_KEY, id);
    sessionStorage.setItem(LIVE_KEY, '1');
    addEventListener('pagehide', () => sessionStorage.removeItem(LIVE_KEY));
    // Back from the back/forward cache: the page lives again.
    addEventListener('pageshow', (ev) => ev.persisted && sessionStorage.setItem(LIVE_KEY, '1'));
    return id;
  } catch {
    return hex(4);
  }
};

let id: string | null = null;

/**
 * The device id this tab connects with (the same for the page's life): the browser's id and the
 * tab's. The gateways mark a reminder as reached per device id, so with one id per tab every open
 * tab shows a reminder that comes due, each once, reloads included; a browser's tabs share the
 * first part.
 */
export const deviceId = (): string => (id ??= `${browserId()}-${tabId()}`);
