import type { Frame } from './ws-client';

export type SseEvent = { id: string | null; event: string | null; frame: Frame };

/**
 * Reads a Server-Sent Events response as the frames it carries. `stopAfter` lets a test drop the
 * connection mid-stream, as a flaky network would.
 */
export const readSse = async (res: Response, stopAfter?: (events: SseEvent[]) => boolean, controller?: AbortController): Promise<SseEvent[]> => {
  if (!res.body) throw new Error('no body');
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n');
        const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
        const data = field('data');
        if (data === null) continue; // a keep-alive comment
        events.push({ id: field('id'), event: field('event'), frame: JSON.parse(data) as Frame });
        if (stopAfter?.(events)) {
          controller?.abort();
          return events;
        }
      }
    }
  } catch (err) {
    if (!controller?.signal.aborted) throw err;
  }
  return events;
};
