/** The audio routes of the simulator: OpenAI's transcription and speech APIs, and their records. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http';
import { errorBody } from '../wire';
import type { AudioContext } from './context';
import { handleSpeech } from './speech';
import { handleTranscription } from './transcribe';

type Handler = (ctx: AudioContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const HANDLERS = new Map<string, Handler>([
  ['POST /audio/transcriptions', handleTranscription],
  ['POST /v1/audio/transcriptions', handleTranscription],
  ['POST /audio/speech', handleSpeech],
  ['POST /v1/audio/speech', handleSpeech],
]);

/** Serves `key` ("METHOD /path") when it is an audio route; false when it is not one. */
export function routeAudio(ctx: AudioContext, key: string, req: IncomingMessage, res: ServerResponse): boolean {
  const handler = HANDLERS.get(key);
  if (handler !== undefined) {
    handler(ctx, req, res).catch((err: unknown) => {
      ctx.logger?.error({ err, route: key }, 'deepseek-sim audio handler failed');
      if (!res.headersSent) sendJson(res, 500, errorBody(500, 'Simulator internal error.'));
      else res.destroy();
    });
    return true;
  }
  return routeRecords(ctx, key, res);
}

function routeRecords(ctx: AudioContext, key: string, res: ServerResponse): boolean {
  const stores = { transcriptions: ctx.transcriptions, speeches: ctx.speeches };
  const match = /^(GET|DELETE) \/_sim\/(transcriptions|speeches)$/.exec(key);
  if (match === null) return false;
  const store = stores[match[2] as keyof typeof stores];
  if (match[1] === 'GET') {
    sendJson(res, 200, store.list());
  } else {
    store.clear();
    sendJson(res, 200, { ok: true });
  }
  return true;
}
