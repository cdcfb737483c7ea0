import { now, sleep } from './clock';
import type { Recorders } from './histogram';
import type { Count } from './counters';
import type { RestPlan } from './shard-protocol';

/** The histogram of one REST route. */
export const restMeasure = (route: string): string => `rest GET ${route}`;

/** One GET with a bearer token: latency to the end of the body, counted by route and status. */
const get = async (httpBase: string, route: string, token: string, rec: Recorders, count: Count): Promise<void> => {
  const started = now();
  try {
    const res = await fetch(`${httpBase}${route}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    rec.get(restMeasure(route)).record(now() - started);
    count(`rest:${route}:${res.status}`);
  } catch (err) {
    // fetch's own message is "fetch failed"; the cause names what happened (ECONNRESET, UND_ERR_SOCKET, …).
    const e = err as Error & { cause?: { code?: string; message?: string } };
    count(`rest:${route}:error:${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
};

/**
 * GETs at a fixed rate until `until` (wall-clock ms), routes and tokens taken in turn. Open loop:
 * a request is sent when it is due whether or not earlier ones answered, so a slow server cannot
 * slow the load down (no coordinated omission); sends more than 10 ms late are counted
 * (`rest_late`, the client's own lag).
 */
export const restLoad = async (httpBase: string, plan: RestPlan, until: number, rec: Recorders, count: Count): Promise<void> => {
  if (plan.ratePerSecond <= 0 || plan.routes.length === 0 || plan.tokens.length === 0) return;
  const interval = 1000 / plan.ratePerSecond;
  const inFlight = new Set<Promise<void>>();
  const began = Date.now();
  for (let i = 0; ; i += 1) {
    const due = began + i * interval;
    if (due >= until) break;
    if (due > Date.now()) await sleep(due - Date.now());
    if (Date.now() - due > 10) count('rest_late');
    const route = plan.routes[i % plan.routes.length] as string;
    const p = get(httpBase, route, plan.tokens[i % plan.tokens.length] as string, rec, count).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
};
