import { z } from 'zod';
import { GENERATION_STATUSES } from './plain';

export const GenerationStatus = z.enum(GENERATION_STATUSES);
export type GenerationStatus = z.infer<typeof GenerationStatus>;
export const nowIso = (): string => new Date().toISOString();

export { isTerminalStatus, terminalStatuses } from './plain';
