import { trimmedEnd } from './sentence-boundary';

/** Where the first piece of an over-long sentence ends (`end`) and the rest starts (`next`). */
export type SentenceCut = { end: number; next: number };

// A clause mark stays with the piece before it; a space is dropped between the pieces.
const CLAUSE_MARKS = new Set(['，', ',', '、']);
// Markdown that must not be cut in two, or its halves would be read out as syntax.
const LINK_OR_CODE = /!?\[[^\]\n]*\]\([^)\n]*\)|`[^`\n]*`/g;
const UNCLOSED_OPENER = /[[`]/;

/** The first "[" or "`" outside a complete link or code span, or -1. */
const unclosedOpener = (window: string, mask: boolean[]): number => {
  for (let i = 0; i < window.length; i += 1) {
    if (!mask[i] && UNCLOSED_OPENER.test(window[i] ?? '')) return i;
  }
  return -1;
};

/**
 * Marks the window's characters inside a link or code span, and everything from an opener whose
 * closer is not in the window. Looking only inside the window keeps the cut independent of text
 * that arrives later.
 */
const protectedMask = (window: string): boolean[] => {
  const mask = Array.from({ length: window.length }, () => false);
  for (const match of window.matchAll(LINK_OR_CODE)) {
    for (let i = match.index; i < match.index + match[0].length; i += 1) mask[i] = true;
  }
  const opener = unclosedOpener(window, mask);
  if (opener !== -1) mask.fill(true, opener);
  return mask;
};

/** The last clause mark or space in the window, outside protected Markdown, as a cut. */
const cutAtClause = (text: string, start: number, window: string, mask: boolean[]): SentenceCut | null => {
  for (let i = window.length - 1; i >= 1; i -= 1) {
    if (mask[i]) continue;
    const char = window[i] ?? '';
    if (CLAUSE_MARKS.has(char)) return { end: start + i + 1, next: start + i + 1 };
    // The sentence starts with a non-blank character, so this piece is never empty.
    if (/\s/.test(char)) return { end: trimmedEnd(text, start, start + i), next: start + i + 1 };
  }
  return null;
};

/** No clause mark: cut at the limit, or before a protected run that reaches it, never inside a surrogate pair. */
const hardCut = (text: string, start: number, window: string, mask: boolean[]): SentenceCut => {
  let cut = window.length;
  while (cut > 0 && mask[cut - 1]) cut -= 1;
  if (cut === 0) cut = window.length;
  let offset = start + cut;
  const lastUnit = text.charCodeAt(offset - 1);
  if (lastUnit >= 0xd800 && lastUnit <= 0xdbff && offset - 1 > start) offset -= 1;
  return { end: trimmedEnd(text, start, offset), next: offset };
};

/**
 * Cuts a sentence longer than `limit` after the last "，", ",", "、" or space within its first
 * `limit` characters; the caller cuts the rest again if it is still too long.
 */
export const cutLongSentence = (text: string, start: number, limit: number): SentenceCut => {
  const window = text.slice(start, start + limit);
  const mask = protectedMask(window);
  return cutAtClause(text, start, window, mask) ?? hardCut(text, start, window, mask);
};
