import { z } from 'zod';

export const GenerationStatus = z.enum(['sending', 'streaming', 'done', 'error', 'cancelled']);
export type GenerationStatus = z.infer<typeof GenerationStatus>;
export const terminalStatuses: ReadonlySet<GenerationStatus> = new Set(['done', 'error', 'cancelled']);
