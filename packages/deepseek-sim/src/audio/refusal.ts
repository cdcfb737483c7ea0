/** Error answers of the audio routes, recorded like the chat route's. */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';
import type { SimulatorLogger } from '../logger';
import { errorBody } from '../wire';

/** An error answer: status, and optionally OpenAI's message, code and param. */
export interface Refusal {
  status: number;
  message?: string;
  code?: string;
  param?: string;
}

/** The fields of an audio record that an error answer settles. */
export interface RefusedRecord {
  id: string;
  status: number;
  completed: boolean;
}

export function sendRefusal(
  logger: SimulatorLogger | undefined,
  res: ServerResponse,
  record: RefusedRecord,
  refusal: Refusal,
): void {
  record.status = refusal.status;
  record.completed = true;
  logger?.debug({ id: record.id, status: refusal.status }, 'deepseek-sim audio request refused');
  const body = errorBody(refusal.status, refusal.message, { code: refusal.code, param: refusal.param });
  // Clients back off on 429; a short hint keeps retrying tests fast.
  sendJson(res, refusal.status, body, refusal.status === 429 ? { 'retry-after': '1' } : {});
}
