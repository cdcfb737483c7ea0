import { createRng, DEFAULT_ANSWER_TOKENS, simulatedAnswer } from './answer';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Random user messages: CJK, ASCII, emoji, whitespace, the odd directive and lone surrogate. */
function randomMessages(count: number, seed: number): string[] {
  const rng = createRng(seed);
  const pools = [
    () => String.fromCodePoint(0x4e00 + Math.floor(rng() * 0x5000)),
    () => String.fromCodePoint(0x20 + Math.floor(rng() * 0x5f)),
    () => String.fromCodePoint(0x1f600 + Math.floor(rng() * 0x50)),
    () => [' ', '\n', '\t', '  '][Math.floor(rng() * 4)] as string,
    () => (rng() < 0.2 ? '\uD83D' : '[[sim:tps=50]]'),
  ];
  return Array.from({ length: count }, (_, i) => {
    let text = `第${i}问`;
    const length = 1 + Math.floor(rng() * 40);
    for (let j = 0; j < length; j++) text += (pools[Math.floor(rng() * (rng() < 0.9 ? 3 : 5))] as () => string)();
    return text;
  });
}

function codePointLength(token: string): number {
  return Array.from(token).length;
}

describe('simulatedAnswer', () => {
  it('is deterministic for the same message and thinking flag', () => {
    const a = simulatedAnswer('我最近总是失眠，怎么办？', { thinking: true });
    const b = simulatedAnswer('我最近总是失眠，怎么办？', { thinking: true });
    expect(b).toEqual(a);
    expect(a.reasoning.length).toBeGreaterThan(0);
    expect(simulatedAnswer('我最近总是失眠，怎么办？').reasoning).toEqual([]);
  });

  it('gives different messages different answers', () => {
    const texts = randomMessages(300, 7).map((m) => simulatedAnswer(m).content.join(''));
    expect(new Set(texts).size).toBe(texts.length);
    // Same quoted prefix (first 12 code points), different tails: the PRNG must still differ.
    const long = ['一二三四五六七八九十一二三 甲', '一二三四五六七八九十一二三 乙'];
    expect(simulatedAnswer(long[0] as string).content).not.toEqual(simulatedAnswer(long[1] as string).content);
  });

  it('has the exact default number of content tokens', () => {
    for (const message of randomMessages(50, 11)) {
      expect(simulatedAnswer(message).content).toHaveLength(DEFAULT_ANSWER_TOKENS);
    }
  });

  it.each([0, 1, 5, 37, 120, 333, 2000])('honours answerTokens=%i exactly', (n) => {
    expect(simulatedAnswer('控制长度', { answerTokens: n }).content).toHaveLength(n);
  });

  it('splits into 1-4 code point tokens and never leaves a lone surrogate', () => {
    const bad: string[] = [];
    let checked = 0;
    const messages = [...randomMessages(300, 42), '\uD83D睡不好\uDE00', '💪\uD83D'];
    expect(messages.filter((m) => LONE_SURROGATE.test(m)).length).toBeGreaterThan(5);
    for (const message of messages) {
      for (const thinking of [false, true]) {
        const { content, reasoning } = simulatedAnswer(message, { thinking });
        for (const token of [...content, ...reasoning]) {
          checked++;
          const size = codePointLength(token);
          if (size < 1 || size > 4 || LONE_SURROGATE.test(token)) bad.push(JSON.stringify(token));
        }
        if (LONE_SURROGATE.test(content.join(''))) bad.push(`text of ${JSON.stringify(message)}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(302 * 2 * DEFAULT_ANSWER_TOKENS);
  });

  it('always contains the cases that careless relays break', () => {
    for (const message of randomMessages(300, 99)) {
      const tokens = simulatedAnswer(message).content;
      const text = tokens.join('');
      expect(tokens.some((t) => /^ +$/.test(t))).toBe(true);
      expect(tokens.some((t) => /^ +\S/.test(t))).toBe(true);
      expect(tokens).toContain('\n\n');
      expect(tokens).toContain('\n');
      expect(text).toMatch(/\*\*[^*\n]+\*\*/);
      expect(text).toMatch(/\d+%/);
      expect(text).toContain('"');
      expect(text).toContain('\\');
      expect(tokens.some((t) => Array.from(t).some((ch) => (ch.codePointAt(0) ?? 0) > 0xffff))).toBe(true);
    }
  });

  it('reads as short markdown health advice that admits it is simulated', () => {
    const text = simulatedAnswer('最近压力很大，晚上睡不着').content.join('');
    const paragraphs = text.split('\n\n');
    expect(paragraphs.length).toBeGreaterThanOrEqual(2);
    expect(paragraphs.length).toBeLessThanOrEqual(4);
    expect(text.split('\n').filter((line) => line.startsWith('- ')).length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('“最近压力很大，晚上睡不着”');
    expect(text).toContain('（本回答由 AuraWell DeepSeek 模拟器生成，仅用于开发和测试，并非真实模型的输出。）');
  });

  it('quotes the user without directives and shortens long messages', () => {
    const text = simulatedAnswer('[[sim:cut=2]]我每天喝三杯咖啡，晚上心跳很快，这正常吗').content.join('');
    expect(text).toContain('“我每天喝三杯咖啡，晚上心…”');
    expect(text).not.toContain('[[sim:');
  });
});

describe('structured answers', () => {
  it('follows the ### headings the request asked for, each with a sentence and three bullets', () => {
    const { content } = simulatedAnswer('给我建议', { headings: ['饮食建议', '运动计划'] });
    const text = content.join('');
    const blocks = text.split(/^### /m).slice(1);
    expect(blocks.map((b) => b.split('\n')[0])).toEqual(['饮食建议', '运动计划']);
    for (const block of blocks) expect(block.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(3);
    expect(content.every((t) => [...t].length >= 1 && [...t].length <= 4)).toBe(true);
  });

  it('echo: the content is the message itself, directives removed and trimmed, in 1–4 code point tokens', () => {
    const message = ' [[sim:echo,tps=50]]**粗体** <img src=x onerror=alert(1)>\n- 一条 😴 ';
    const { content, reasoning } = simulatedAnswer(message, { echo: true, thinking: true });
    expect(content.join('')).toBe('**粗体** <img src=x onerror=alert(1)>\n- 一条 😴');
    expect(content.every((t) => codePointLength(t) >= 1 && codePointLength(t) <= 4)).toBe(true);
    expect(reasoning.length).toBeGreaterThan(0);
    expect(simulatedAnswer('[[sim:echo]]', { echo: true }).content).toEqual([]);
  });
});
