import { z } from 'zod';

export const GenerationStatus = z.enum(['sending', 'streaming', 'done', 'error', 'cancelled']);
export type GenerationStatus = z.infer<typeof GenerationStatus>;
export const nowIso = (): string => new Date().toISOString();

export const terminalStatuses: ReadonlySet<GenerationStatus> = new Set(['done', 'error', 'cancelled']);

/** Does `status` end a generation? (Accepts anything read off the wire.) */
export const isTerminalStatus = (status: unknown): status is 'done' | 'error' | 'cancelled' =>
  typeof status === 'string' && terminalStatuses.has(status as GenerationStatus);
