/**
 * Where sentences end in streamed answer text. Each decision looks at a bounded amount of text
 * after the terminator, and says "wait" when that text has not arrived yet, so feeding the answer
 * one character at a time finds exactly the ends that feeding it whole does.
 */

/** A sentence ends: `at` is the terminator (or newline) found, `end` is just past the sentence, `next` where scanning resumes. */
export type SentenceEnd = { kind: 'end'; at: number; end: number; next: number };
/** No end found yet: every character before `settled` is known not to end a sentence. */
export type OpenSentence = { kind: 'open'; settled: number };

// Chinese terminators end a sentence whatever follows them.
const CJK_TERMINATORS = new Set(['。', '！', '？', '；', '…']);
const WESTERN_TERMINATORS = new Set(['.', '!', '?']);
// What may trail a terminator and still belong to its sentence: quotes, brackets, and Markdown
// emphasis or code marks (`**Drink water.** Then` ends after the `**`).
const CLOSERS = new Set(['”', '’', '"', "'", '）', ')', '」', '』', '】', '》', '*', '_', '`']);
// Lower-case words that take a period without ending a sentence. "etc." is left out on purpose:
// it ends sentences far more often than it sits inside one.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'approx', 'fig', 'no', 'cf', 'ca', 'al']);

const HAN = /\p{Script=Han}/u;
const WHITESPACE = /\s/;

const isTerminator = (char: string | undefined): boolean =>
  char !== undefined && (CJK_TERMINATORS.has(char) || WESTERN_TERMINATORS.has(char));

const isWhitespace = (char: string | undefined): boolean => char !== undefined && WHITESPACE.test(char);

/** The index past the last non-whitespace character of text[from, to). */
export const trimmedEnd = (text: string, from: number, to: number): number => {
  let end = to;
  while (end > from && isWhitespace(text[end - 1])) end -= 1;
  return end;
};

/** The first non-whitespace index at or after `from` (text.length if none has arrived). */
export const skipWhitespace = (text: string, from: number): number => {
  let index = from;
  while (index < text.length && isWhitespace(text[index])) index += 1;
  return index;
};

/** Whether `index` is the first non-blank position on its line. */
export const startsLine = (text: string, index: number): boolean => {
  let before = index;
  while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t')) before -= 1;
  return before === 0 || text[before - 1] === '\n';
};

/** The letters-and-dots word just before `dot`, e.g. "e.g" in "e.g.". */
const wordBefore = (text: string, dot: number): string => {
  let start = dot;
  while (start > 0 && /[A-Za-z.]/.test(text[start - 1] ?? '')) start -= 1;
  return text.slice(start, dot);
};

/** "1." at the start of a line is an ordered-list marker, not a sentence. */
const isListMarker = (text: string, dot: number): boolean => {
  let start = dot;
  while (start > 0 && /[0-9]/.test(text[start - 1] ?? '')) start -= 1;
  return start < dot && startsLine(text, start);
};

/** Whether a lone "." after a word is an abbreviation ("e.g.", "U.S.", "Dr.") or a list marker. */
const isNonFinalPeriod = (text: string, dot: number): boolean => {
  const word = wordBefore(text, dot);
  return word.includes('.') || ABBREVIATIONS.has(word.toLowerCase()) || isListMarker(text, dot);
};

/** Whether a run of Western terminators followed by `after` ends a sentence. */
const westernRunEnds = (text: string, runStart: number, run: string, after: string | undefined): boolean => {
  if (after !== undefined && !isWhitespace(after)) {
    // "好!我们" has no space, yet "!" and "?" cannot be decimals: they end the sentence before Chinese.
    return HAN.test(after) && /[!?]/.test(run);
  }
  return !(run === '.' && isNonFinalPeriod(text, runStart));
};

/**
 * Judges the terminator at `index`: the sentence's end offset, `null` if it does not end one,
 * or 'wait' if the text that decides has not arrived (unless `final`, when the text's end decides).
 */
const judgeTerminator = (text: string, index: number, final: boolean): number | null | 'wait' => {
  let runEnd = index;
  while (isTerminator(text[runEnd])) runEnd += 1;
  let end = runEnd;
  while (end < text.length && CLOSERS.has(text[end] ?? '')) end += 1;
  if (end >= text.length && !final) return 'wait';
  const run = text.slice(index, runEnd);
  if ([...run].some((char) => CJK_TERMINATORS.has(char))) return end;
  return westernRunEnds(text, index, run, text[end]) ? end : null;
};

/**
 * Finds the first sentence end at or after `from`. A newline always ends one (a Markdown line is
 * a sentence). With `final`, the end of the text ends the last sentence.
 */
export const findSentenceEnd = (text: string, from: number, final: boolean): SentenceEnd | OpenSentence => {
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\n') return { kind: 'end', at: index, end: trimmedEnd(text, from, index), next: index + 1 };
    if (!isTerminator(char)) continue;
    const verdict = judgeTerminator(text, index, final);
    if (verdict === 'wait') return { kind: 'open', settled: index };
    if (verdict !== null) return { kind: 'end', at: index, end: verdict, next: verdict };
  }
  if (!final) return { kind: 'open', settled: text.length };
  return { kind: 'end', at: text.length, end: trimmedEnd(text, from, text.length), next: text.length };
};
