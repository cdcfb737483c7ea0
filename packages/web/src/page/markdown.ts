/// <reference lib="dom" />
import DOMPurify, { type Config } from 'dompurify';
import { Marked, type Tokens } from 'marked';

// The model answers in Markdown (bold, lists, headings, now and then a table or a link). Its text
// is untrusted: a question can make it repeat anything. So raw HTML in it is shown as text,
// images as their alt text, and DOMPurify — with a short allow-list of the tags Markdown makes
// and links only to http(s) and mail — decides what reaches the page. The page's CSP (no inline
// script) is the layer behind this one, not a reason to skip it.

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text, block }: Tokens.HTML | Tokens.Tag) => (block ? `<p>${escapeHtml(text)}</p>` : escapeHtml(text)),
    image: ({ text }: Tokens.Image) => escapeHtml(text),
    checkbox: ({ checked }: Tokens.Checkbox) => (checked ? '☑ ' : '☐ '),
  },
});

const purify = DOMPurify(window);
const SAFE: Config & { RETURN_DOM_FRAGMENT: true } = {
  ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ALLOWED_ATTR: ['href', 'title', 'start', 'align'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  RETURN_DOM_FRAGMENT: true,
};
// A link leaves the page in a new tab that cannot reach back into this one (window.opener).
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName !== 'A' || !node.hasAttribute('href')) return;
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer');
});

/**
 * A last line that is only Markdown punctuation (`-`, `---`, `==`, `*`, `1.`, `#`, a table's
 * `|---`): while the text grows, such a line turns the paragraph above into a heading or shows an
 * empty list item for a frame or two, until the rest of the line tells what it is.
 */
const UNDECIDED_LAST_LINE = /(?:^|\n)[ \t]*(?:\d{1,9}[.)]|[-=*_+#>`~|:])[-=*_+#>`~|: \t]*$/;

/** `text` as sanitized DOM; `streaming` while more text may come. */
export const renderMarkdown = (text: string, streaming = false): DocumentFragment => {
  const source = streaming ? text.replace(UNDECIDED_LAST_LINE, '') : text;
  return purify.sanitize(markdown.parse(source) as string, SAFE);
};

/**
 * Shows `text` in `target`, replacing only the blocks from the first one that changed: while an
 * answer grows that is the last paragraph or list, so earlier ones keep their nodes (a selection
 * in them survives, screen readers see no removals).
 */
export const showMarkdown = (target: HTMLElement, text: string, streaming = false): void => {
  const fresh = renderMarkdown(text, streaming);
  let same = 0;
  while (same < target.childNodes.length && same < fresh.childNodes.length && target.childNodes[same]!.isEqualNode(fresh.childNodes[same]!)) same += 1;
  while (target.childNodes.length > same) target.lastChild!.remove();
  for (let i = 0; i < same; i += 1) fresh.firstChild!.remove();
  target.append(fresh);
};

/** A growing answer: re-rendered from the whole text at most once per frame; `finish` renders the final text at once. */
export type LiveMarkdown = { update(text: string): void; finish(text: string): void };

export const liveMarkdown = (target: HTMLElement, onShown: () => void): LiveMarkdown => {
  let latest = '';
  let frame = 0;
  return {
    update: (text) => {
      latest = text;
      // One render per frame however many deltas came in it; a hidden tab renders when it shows again.
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        showMarkdown(target, latest, true);
        onShown();
      });
    },
    finish: (text) => {
      cancelAnimationFrame(frame);
      frame = 0;
      showMarkdown(target, text);
      onShown();
    },
  };
};
