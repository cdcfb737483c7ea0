import fc from 'fast-check';
import { SentenceChunker, type SpeechSpan } from './sentences';

/** Feeds the answer in the given deltas and returns every span, flush included. */
const chunk = (deltas: string[], options?: ConstructorParameters<typeof SentenceChunker>[0]): SpeechSpan[] => {
  const chunker = new SentenceChunker(options);
  const spans = deltas.flatMap((delta) => chunker.push(delta));
  return [...spans, ...chunker.flush()];
};

const texts = (spans: SpeechSpan[]) => spans.map((span) => span.text);
const speakables = (spans: SpeechSpan[]) => spans.map((span) => span.speakable);

/** The invariants every result must keep, whatever the input. */
const expectWellFormed = (answer: string, spans: SpeechSpan[]) => {
  spans.forEach((span, i) => {
    expect(span.index).toBe(i);
    expect(span.text).toBe(answer.slice(span.start, span.end));
    expect(span.speakable).not.toBe('');
    expect(span.speakable).toBe(span.speakable.trim());
    if (i > 0) expect(span.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });
};

describe('SentenceChunker: Chinese', () => {
  it('ends sentences at 。！？；… and keeps closing quotes with them', () => {
    const answer = '高血压患者每天盐摄入应少于5克！您可以尝试以下方法；多吃新鲜蔬菜……医生说「要坚持。」明白了吗？';
    const spans = chunk([answer]);
    expect(texts(spans)).toEqual([
      '高血压患者每天盐摄入应少于5克！',
      '您可以尝试以下方法；',
      '多吃新鲜蔬菜……',
      '医生说「要坚持。」',
      '明白了吗？',
    ]);
    expectWellFormed(answer, spans);
  });

  it('ends at full-width ！？ and at half-width ! ? before Chinese text', () => {
    expect(texts(chunk(['真的吗？？我不信！！好!我们继续吧。']))).toEqual(['真的吗？？我不信！！', '好!我们继续吧。']);
  });

  it('joins a sentence shorter than 6 speakable characters to the next', () => {
    const spans = chunk(['好的。我们来看看您的血压记录。嗯。']);
    expect(texts(spans)).toEqual(['好的。我们来看看您的血压记录。', '嗯。']);
    expect(spans[0]).toMatchObject({ start: 0, end: 15 });
  });

  it('keeps joining while the joined text is still short, and emits a short tail at flush', () => {
    expect(texts(chunk(['好。是。请按时服药。嗯。']))).toEqual(['好。是。请按时服药。', '嗯。']);
  });
});

describe('SentenceChunker: English', () => {
  it('ends at . ! ? followed by whitespace, not at decimals or abbreviations', () => {
    const answer = 'Take 3.5 mg daily, e.g. with food. Dr. Smith agrees! Is that safe? Yes, i.e. within limits.';
    expect(texts(chunk([answer]))).toEqual([
      'Take 3.5 mg daily, e.g. with food.',
      'Dr. Smith agrees!',
      'Is that safe?',
      'Yes, i.e. within limits.',
    ]);
  });

  it('keeps closing quotes, brackets and bold marks with the sentence', () => {
    const answer = 'He said "stop here." Then he left (for now.) **Drink more water.** Then rest well.';
    expect(texts(chunk([answer]))).toEqual([
      'He said "stop here."',
      'Then he left (for now.)',
      '**Drink more water.**',
      'Then rest well.',
    ]);
  });

  it('treats "..." and "?!" runs as one terminator', () => {
    expect(texts(chunk(['Wait for it... Really?! That is great news.']))).toEqual([
      'Wait for it...',
      'Really?!',
      'That is great news.',
    ]);
  });

  it('does not end at a period inside a token (versions, domains)', () => {
    expect(texts(chunk(['See example.com for v1.2.3 notes. Then come back.']))).toEqual([
      'See example.com for v1.2.3 notes.',
      'Then come back.',
    ]);
  });
});

describe('SentenceChunker: mixed and numbers', () => {
  it('splits Chinese with embedded English and numbers', () => {
    const answer = '您的血压 120/80 mmHg 属于正常范围。Keep it up! 体温37.5℃略高，注意休息。';
    expect(texts(chunk([answer]))).toEqual(['您的血压 120/80 mmHg 属于正常范围。', 'Keep it up!', '体温37.5℃略高，注意休息。']);
  });

  it('ends at a period after a number mid-line, but not at a list number at line start', () => {
    const answer = 'The target is below 130. Aim for it daily.\n1. Measure twice a day.';
    expect(texts(chunk([answer]))).toEqual(['The target is below 130.', 'Aim for it daily.', '1. Measure twice a day.']);
  });
});

describe('SentenceChunker: Markdown answers', () => {
  const answer = [
    '## 饮食建议',
    '',
    '1. **少盐**：每天不超过5克。',
    '2. 多吃[新鲜蔬菜](https://example.com/veg)和水果',
    '- `运动`：每周至少150分钟',
    '* 保证充足睡眠',
    '',
    '---',
    '> 注意：如有不适请及时就医。',
  ].join('\n');

  it('makes each line a sentence and strips Markdown syntax from what is spoken', () => {
    const spans = chunk([answer]);
    expect(speakables(spans)).toEqual([
      '饮食建议 少盐：每天不超过5克。',
      '多吃新鲜蔬菜和水果',
      '运动：每周至少150分钟',
      '保证充足睡眠',
      '注意：如有不适请及时就医。',
    ]);
    expect(spans[1]!.text).toBe('2. 多吃[新鲜蔬菜](https://example.com/veg)和水果');
    expectWellFormed(answer, spans);
  });

  it('skips lines with nothing to say without using an index', () => {
    const spans = chunk(['第一句话说完了。\n```\n---\n\n第二句话也说完了。']);
    expect(spans.map((span) => [span.index, span.speakable])).toEqual([
      [0, '第一句话说完了。'],
      [1, '第二句话也说完了。'],
    ]);
  });

  it('keeps "- " and "1. " that do not start a line', () => {
    expect(speakables(chunk(['Range is 3 - 5 units. - 2 is too low.']))).toEqual(['Range is 3 - 5 units.', '- 2 is too low.']);
  });
});

describe('SentenceChunker: long sentences', () => {
  const clause = '包含很多很多的内容'; // 9 characters

  it('cuts a sentence over 120 characters after the last clause mark before the limit', () => {
    const first = `这是一个很长的句子，${clause.repeat(12)}，`; // 10 + 108 + 1 = 119
    const answer = `${first}${clause.repeat(3)}结束。`;
    const spans = chunk([answer]);
    expect(texts(spans)).toEqual([first, `${clause.repeat(3)}结束。`]);
    expect(spans.every((span) => span.text.length <= 120)).toBe(true);
  });

  it('cuts English at the last space before the limit and drops that space', () => {
    const answer = `${'word '.repeat(30)}end.`;
    const spans = chunk([answer]);
    expect(spans[0]!.text).toBe('word '.repeat(24).trimEnd());
    expect(spans.map((span) => span.text).join(' ')).toBe(answer);
  });

  it('cuts at the limit when there is no clause mark or space', () => {
    const spans = chunk(['字'.repeat(250) + '。']);
    expect(spans.map((span) => span.text.length)).toEqual([120, 120, 11]);
  });

  it('does not cut inside a Markdown link', () => {
    const link = `[${'很长的链接文字，'.repeat(3)}](https://example.com/a,b)`;
    const answer = `${'内容'.repeat(50)}，${'说明'.repeat(5)}${link}结束。`;
    const spans = chunk([answer]);
    expect(spans[0]!.text).toBe(`${'内容'.repeat(50)}，`);
    expect(spans.some((span) => span.text.includes(link))).toBe(true);
  });

  it('emits the first piece of a long sentence before the sentence ends', () => {
    const chunker = new SentenceChunker();
    const piece = `${'包含很多很多的内容'.repeat(13)}，`; // 118 characters
    expect(chunker.push(piece)).toEqual([]);
    expect(texts(chunker.push('还没有说完还没有说完'))).toEqual([piece]);
  });

  it('never cuts a surrogate pair in two', () => {
    const spans = chunk(['a' + '😀'.repeat(100)]);
    for (const span of spans) expect(span.text.isWellFormed()).toBe(true);
  });
});

describe('SentenceChunker: streaming', () => {
  it('returns nothing for a delta that ends mid-sentence, then the sentence once it ends', () => {
    const chunker = new SentenceChunker();
    expect(chunker.push('今天的血压')).toEqual([]);
    expect(texts(chunker.push('正常，继续保持。明天'))).toEqual(['今天的血压正常，继续保持。']);
    expect(texts(chunker.push('记得复测'))).toEqual([]);
    expect(texts(chunker.flush())).toEqual(['明天记得复测']);
  });

  it('waits on a period at the end of a delta until the next character decides', () => {
    const chunker = new SentenceChunker();
    expect(chunker.push('Take 3.')).toEqual([]);
    expect(chunker.push('5 mg at night.')).toEqual([]);
    expect(texts(chunker.push(' Then sleep.'))).toEqual(['Take 3.5 mg at night.']);
    expect(texts(chunker.flush())).toEqual(['Then sleep.']);
  });

  it('ends the last sentence at flush, and flushes once', () => {
    const chunker = new SentenceChunker();
    chunker.push('No terminator at the end');
    expect(texts(chunker.flush())).toEqual(['No terminator at the end']);
    expect(chunker.flush()).toEqual([]);
    expect(() => chunker.push('more')).toThrow('push after flush');
  });

  it('gives nothing for an empty or blank answer', () => {
    expect(chunk([])).toEqual([]);
    expect(chunk(['  \n\n ', ''])).toEqual([]);
  });
});

/** Cuts `answer` at the given positions (deduplicated, in order) into deltas. */
const splitAt = (answer: string, cuts: number[]): string[] => {
  const points = [...new Set(cuts.map((cut) => cut % (answer.length + 1)))].sort((a, b) => a - b);
  return [...points, answer.length].map((point, i) => answer.slice(i === 0 ? 0 : points[i - 1], point));
};

const SAMPLE_ANSWERS = [
  '好的。高血压患者每天盐摄入应少于5克！您可以尝试以下方法；多吃蔬菜……还有问题吗？',
  'Take 3.5 mg daily, e.g. with food. Dr. Smith agrees! Really?! Yes. OK then, we are done.',
  '## 饮食\n\n1. **少盐**：每天不超过5克。\n2. 多吃[蔬菜](https://x.example/v)和水果\n- `运动`：每周150分钟\n---\n> 注意！',
  `这是一个很长的句子，${'包含很多很多的内容'.repeat(20)}。短句。 ${'word '.repeat(40)}end.`,
];

// Characters that exercise every rule: terminators, closers, Markdown marks, digits, spaces, newlines.
const ANSWER_CHARS = [...'。！？；…….!?,，、 \n"”」)*_`#-[]()1234567890abcEgi好的血压内容😀'];
const arbitraryAnswer = fc.array(fc.constantFrom(...ANSWER_CHARS), { maxLength: 400 }).map((chars) => chars.join(''));

describe('SentenceChunker: the deltas never change the spans', () => {
  it('gives the same spans for single-character deltas as for one delta', () => {
    for (const answer of SAMPLE_ANSWERS) {
      expect(chunk([...answer])).toEqual(chunk([answer]));
    }
  });

  it('gives the same spans for random split points of sample answers', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLE_ANSWERS), fc.array(fc.nat(), { maxLength: 40 }), (answer, cuts) => {
        expect(chunk(splitAt(answer, cuts))).toEqual(chunk([answer]));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same, well-formed spans for random answers split at random points', () => {
    fc.assert(
      fc.property(arbitraryAnswer, fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: 8, max: 40 }), (answer, cuts, maxChars) => {
        const whole = chunk([answer], { maxChars });
        expect(chunk(splitAt(answer, cuts), { maxChars })).toEqual(whole);
        expectWellFormed(answer, whole);
      }),
      { numRuns: 500 },
    );
  });
});
