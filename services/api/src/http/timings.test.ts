import { RequestTimings } from './timings';

test('slow endpoints are those whose mean over the last N requests exceeds the threshold', () => {
  const t = new RequestTimings(3);
  t.record('GET', '/a', 2);
  t.record('GET', '/a', 0.1);
  t.record('GET', '/a', 0.1);
  t.record('POST', '/b', 0.9);
  t.record('GET', 'unmatched', 9);
  expect(t.slowEndpoints(0.5)).toEqual({ 'GET /a': 0.7333, 'POST /b': 0.9 });
  t.record('GET', '/a', 0.1); // the 2 s request leaves the window
  expect(t.slowEndpoints(0.5)).toEqual({ 'POST /b': 0.9 });
});
