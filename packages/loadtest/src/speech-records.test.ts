import { startDeepSeekSimulator, type DeepSeekSimulator } from '@aurawell/deepseek-sim';
import { simSpeeches } from './speech-records';

let sim: DeepSeekSimulator;
beforeAll(async () => (sim = await startDeepSeekSimulator({ firstAudioDelayMs: 0, speechChunkIntervalMs: 0 })));
afterAll(() => sim.close());

const speak = async (input: string, voice = 'alloy'): Promise<Buffer> => {
  const res = await fetch(`${sim.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sim-key' },
    body: JSON.stringify({ model: 'gpt-4o-mini-tts', input, voice, response_format: 'wav' }),
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

describe("the simulator's speech requests, read over HTTP", () => {
  it('a sentence the simulator spoke is found by what it read and its bytes are exact; reads after an answer see its requests', async () => {
    const lookup = simSpeeches(sim.url);
    const first = await speak('建议要点： 😴 睡眠：每晚睡够 7–9 小时');
    const answer = '**建议要点**：  \n- 😴 **睡眠**：每晚睡够 7–9 小时';
    expect((await lookup(Date.now())).compare(answer, { start: 0, end: answer.length }, 'wav', first)).toBe('exact');
    const second = await speak('第二句话说完了。', 'echo');
    const [a, b] = await Promise.all([lookup(Date.now()), lookup(Date.now())]);
    expect(a).toBe(b);
    const said = { start: 0, end: '第二句话说完了。'.length };
    expect(a.compare('第二句话说完了。', said, 'wav', second)).toBe('exact');
    expect(a.compare('第二句话说完了。', said, 'wav', first)).toBe('audio_mismatch');
    expect(a.size).toBe(2);
  });

  it('an unreachable simulator rejects (the spoken answer then counts as unchecked-and-failed)', async () => {
    await expect(simSpeeches('http://127.0.0.1:1')(Date.now())).rejects.toThrow();
  });
});
