import { startsLine } from './sentence-boundary';

/**
 * The words of a Markdown sentence as a speech engine should read them: syntax marks removed
 * (a TTS voice would otherwise say "asterisk" or spell out a URL) and whitespace collapsed.
 */

const FENCE = /^(```|~~~)/;
const THEMATIC_BREAK = /^([-*_])(\s*\1){2,}\s*$/;
const BLOCKQUOTE = /^(>\s?)+/;
const HEADING = /^#{1,6}(\s+|$)/;
const CLOSING_HASHES = /\s+#+\s*$/;
const LIST_MARKER = /^([-*+]|\d{1,9}[.)])\s+/;
const LINK = /!?\[([^\]\n]*)\]\([^)\n]*\)/g;
const STRONG_OR_STRIKE = /\*\*|__|~~/g;
const EMPHASIS = /\*(\S[^*\n]*?)\*/g;
const BACKTICKS = /`+/g;

/** Removes the block marks that only mean something at the start of a line. */
const stripLineMarks = (line: string): string => {
  const trimmed = line.trimStart();
  if (FENCE.test(trimmed) || THEMATIC_BREAK.test(trimmed)) return '';
  const unquoted = trimmed.replace(BLOCKQUOTE, '');
  if (HEADING.test(unquoted)) return unquoted.replace(HEADING, '').replace(CLOSING_HASHES, '');
  return unquoted.replace(LIST_MARKER, '');
};

const stripInlineMarks = (text: string): string =>
  text.replace(LINK, '$1').replace(STRONG_OR_STRIKE, '').replace(EMPHASIS, '$1').replace(BACKTICKS, '');

/**
 * `startsLine` says whether the text's first line begins a line of the answer: only then is a
 * leading "- " or "1. " a list marker rather than words a sentence happens to start with.
 */
export const toSpeakable = (text: string, startsLine: boolean): string => {
  const lines = text.split('\n').map((line, i) => (i > 0 || startsLine ? stripLineMarks(line) : line));
  return stripInlineMarks(lines.join(' ')).replace(/\s+/g, ' ').trim();
};

/** What a speech engine is given for `text`'s span `start`..`end` (a sentence of an answer). */
export const speakableSpan = (text: string, start: number, end: number): string => toSpeakable(text.slice(start, end), startsLine(text, start));

/** Length in characters (code points), as a listener would count them, not UTF-16 units. */
export const speakableLength = (speakable: string): number => [...speakable].length;
