import { loadtest, exactly } from './support/loadtest';

// The load harness as CI runs it: small runs of the scenarios that matter for correctness, asserting
// every answer exact and every count, never timing. The chat smoke test, the REST mix (these also
// run on a Redis Cluster) and spoken questions; the storms and --url in loadtest-storm.e2e.test.ts.

test('pnpm loadtest --scenario chat --users 100 completes every chat with the exact text', async () => {
  const { stdout, report, html } = await loadtest(['--scenario', 'chat', '--users', '100', '--tps', '100']);
  expect(stdout).toContain('| time_to_done |');
  expect(report.correctness).toEqual({ ...exactly(100), duplicatedFrames: 0, reorderedFrames: 0 });
  expect(report.latenciesMs.first_token!.count).toBe(100);
  expect(report.latenciesMs.connect!.count).toBe(100);
  // One round trip to Redis per delivered frame on the worker side (plus the status frames).
  expect(report.redisPerToken!.roundTrips).toBeLessThan(1.2);
  expect(report.series.length).toBeGreaterThan(0);
  expect(html).toContain('<svg');
}, 180000);

test('mixed: chats and REST GETs together; every answer exact, every GET 200', async () => {
  const { report } = await loadtest(['--scenario', 'mixed', '--users', '10', '--duration', '4', '--rest-rate', '30', '--tps', '100', '--think-ms', '100']);
  expect(report.correctness.exact).toBe(report.correctness.chats);
  expect(report.correctness.chats).toBeGreaterThanOrEqual(10);
  const routes = Object.entries(report.rest!.byRoute);
  expect(routes.map(([route]) => route)).toEqual(['/api/v1/health/summary', '/api/v1/chat/conversations', '/api/v1/user/profile']);
  for (const [, r] of routes) {
    expect(r.requests).toBeGreaterThan(0);
    expect(Object.keys(r.statuses)).toEqual(['200']);
    expect(r.latencyMs!.count).toBe(r.requests);
  }
  // Open loop at 30/s for 4 s: about 120 requests, whatever the latency.
  expect(routes.reduce((s, [, r]) => s + r.requests, 0)).toBeGreaterThanOrEqual(100);
}, 180000);

test('voice: 10 users each speak a question and get it answered in text and speech; transcript, text and every sentence’s audio exact', async () => {
  const { stdout, report, html } = await loadtest(['--scenario', 'voice', '--users', '10', '--tps', '100', '--utterance-ms', '800', '--frame-ms', '100']);
  expect(report.correctness).toEqual({ ...exactly(10), duplicatedFrames: 0, reorderedFrames: 0 });
  expect(report.outcomes).toEqual({ ok: 10 });
  expect(report.voice).toMatchObject({ utterances: 10, exact: 10 });
  // Every answer spoken, sentence by sentence (a 120-token answer has several).
  expect(report.voice!.sentences).toBeGreaterThanOrEqual(20);
  expect(report.voice!.audioBytes).toBeGreaterThan(0);
  // Speech end → first transcript, → first answer token, → first audio byte: one each per utterance, sane.
  for (const name of ['speech_end_to_transcript', 'speech_end_to_final_transcript', 'speech_end_to_first_token', 'speech_end_to_first_audio']) {
    const s = report.latenciesMs[name]!;
    expect({ name, count: s.count }).toEqual({ name, count: 10 });
    expect(s.p50).toBeGreaterThan(0);
    expect(s.p99).toBeGreaterThanOrEqual(s.p50);
  }
  // The speech budget: the first sentence's text complete → its first audio frame, once per answer.
  expect(report.latenciesMs.first_sentence_text_to_audio!.count).toBe(10);
  expect(report.voice!.sentenceTextToAudioMs!.p50).toBeLessThanOrEqual(report.voice!.fromSpeechEndMs.firstAudio!.p50);
  const { transcript, firstToken, firstAudio } = report.voice!.fromSpeechEndMs;
  expect(firstToken!.p50).toBeGreaterThan(report.latenciesMs.speech_end_to_sending!.p50 - 1);
  expect(firstAudio!.p50).toBeGreaterThanOrEqual(firstToken!.p50);
  expect(transcript!.p50).toBeLessThanOrEqual(report.latenciesMs.speech_end_to_final_transcript!.p50);
  expect(stdout).toContain('| speech_end_to_first_audio |');
  expect(stdout).toMatch(/voice, from the end of speech, p50 \/ p99 ms: transcript [\d.]+ \/ [\d.]+ \(final [\d.]+ \/ [\d.]+\), first token [\d.]+ \/ [\d.]+, first audio/);
  expect(html).toContain('Voice: from the end of speech');
}, 180000);
