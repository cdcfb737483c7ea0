import { Agent, request } from 'node:http';
import { simulatedAnswer } from './answer';
import { startDeepSeekSimulator, type DeepSeekSimulator } from './server';

let sim: DeepSeekSimulator;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

beforeAll(async () => {
  // Each stream lasts 2 s (20 tokens at 10/s): even a machine that opens only a few hundred
  // connections a second overlaps far more than 100 of them.
  sim = await startDeepSeekSimulator({ tokensPerSecond: 10, firstTokenDelayMs: 200, answerTokens: 20 });
});

afterAll(async () => {
  agent.destroy();
  await sim.close();
});

/** One raw streaming request; resolves with the concatenated content deltas. */
function streamOnce(message: string): Promise<string> {
  const body = JSON.stringify({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: message }] });
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}/chat/completions`,
      { method: 'POST', agent, headers: { authorization: 'Bearer sim', 'content-type': 'application/json' } },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (raw += chunk));
        res.on('end', () => resolve(contentOf(raw)));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function contentOf(raw: string): string {
  return raw
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] })
    .map((chunk) => chunk.choices[0]?.delta.content ?? '')
    .join('');
}

/** The most streams that were between their first and last token at one moment. */
function peakInFlight(intervals: [number, number][]): number {
  const edges = intervals.flatMap(([from, to]) => [[from, 1] as const, [to, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (open += step));
  return peak;
}

it('serves 1,000 concurrent paced streams in one process', async () => {
  const messages = Array.from({ length: 1000 }, (_, i) => `并发请求 ${i}`);
  const texts = await Promise.all(messages.map(streamOnce));

  expect(texts).toEqual(messages.map((m) => simulatedAnswer(m, { answerTokens: 20 }).content.join('')));
  const transcripts = sim.transcripts();
  expect(transcripts).toHaveLength(1000);
  expect(transcripts.every((t) => t.completed && !t.aborted && t.tokens.length === 20)).toBe(true);
  // Concurrency shown by the streams' own token times, not by a wall-clock bound (which a busy
  // machine can miss): served one after another, no two streams would ever overlap.
  const peak = peakInFlight(transcripts.map((t) => [t.tokens[0]!.sentAt, t.tokens.at(-1)!.sentAt]));
  expect(peak).toBeGreaterThanOrEqual(100);
}, 120_000);
