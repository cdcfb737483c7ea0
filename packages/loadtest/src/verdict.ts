import type { LoadOptions } from './args';
import type { Report } from './report';

/** Every chat (voice: spoken question) ended, and exactly: text, and for voice the transcript and every sentence's audio. */
const chatChecks = (r: Report, expectedChats: number | null, what = { asked: 'chats', answers: 'answers' }): string[] => {
  const c = r.correctness;
  return [
    ...(expectedChats !== null && c.chats !== expectedChats ? [`${c.chats} ${what.asked} ended, ${expectedChats} expected`] : []),
    ...(c.exact !== c.chats ? [`${c.chats - c.exact} of ${c.chats} ${what.answers} not exact (${JSON.stringify(r.outcomes)})`] : []),
  ];
};

const SPOKEN = { asked: 'spoken questions', answers: 'spoken answers (transcript, text or audio)' };

const holdChecks = (r: Report, connections: number): string[] => {
  const ok = r.outcomes.ok ?? 0;
  const open = r.counters.open_at_release ?? 0;
  const dropped = r.counters.dropped_during_hold ?? 0;
  return [
    ...(ok !== connections ? [`${ok} of ${connections} connections admitted (${JSON.stringify(r.outcomes)})`] : []),
    ...(open !== connections ? [`${open} of ${connections} connections open at the end of the hold`] : []),
    ...(dropped > 0 ? [`${dropped} connections dropped during the hold`] : []),
  ];
};

const restChecks = (r: Report): string[] =>
  Object.entries(r.rest?.byRoute ?? {}).flatMap(([route, x]) => {
    const bad = Object.entries(x.statuses).filter(([status]) => !/^2\d\d$/.test(status));
    return [...(x.requests === 0 ? [`no GET ${route} was answered`] : []), ...bad.map(([status, n]) => `GET ${route}: ${n} × ${status}`)];
  });

/**
 * What makes a run fail (exit 1): a client process failing, any answer not exact (voice: its
 * transcript, text or any sentence's audio), connections not admitted or not held, a storm that
 * dropped nothing, REST answers other than 2xx. Never timing.
 */
export const failedChecks = (r: Report, o: LoadOptions): string[] => [
  ...r.failures,
  ...(o.scenario === 'chat' ? chatChecks(r, o.clients * o.chats) : []),
  ...(o.scenario === 'voice' ? chatChecks(r, o.clients * o.chats, SPOKEN) : []),
  ...(o.scenario === 'mixed' ? [...chatChecks(r, null), ...(r.correctness.chats < o.clients ? [`only ${r.correctness.chats} chats for ${o.clients} users`] : []), ...restChecks(r)] : []),
  ...(o.scenario === 'storm' ? [...chatChecks(r, o.clients), ...((r.counters.drops ?? 0) === 0 ? ['the storm dropped no connection'] : [])] : []),
  ...(o.scenario === 'connect' || o.scenario === 'idle' ? holdChecks(r, o.clients) : []),
];
