/**
 * The protocol's values that browsers import (`@aurawell/protocol/plain`): no zod here, so the
 * client SDK and the web page share the server's definitions without loading a schema library.
 */

export const GENERATION_STATUSES = ['sending', 'streaming', 'done', 'error', 'cancelled'] as const;
export type GenerationStatusName = (typeof GENERATION_STATUSES)[number];

export const terminalStatuses: ReadonlySet<GenerationStatusName> = new Set(['done', 'error', 'cancelled']);

/** Does `status` end a generation? (Accepts anything read off the wire.) */
export const isTerminalStatus = (status: unknown): status is 'done' | 'error' | 'cancelled' =>
  typeof status === 'string' && terminalStatuses.has(status as GenerationStatusName);

/** A conversation title's longest form, after trimming. */
export const MAX_TITLE_CHARS = 100;
