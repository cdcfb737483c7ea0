import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { markdownScript, type MarkdownWindow } from '../testing';

// The renderer in a real DOM (Debian's Chromium; jsdom is not what users run): a blank page with
// no CSP, so a script that got through would really run and leave its mark on window.
const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`these tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.setContent('<!doctype html><div id="out"></div>');
  await page.addScriptTag({ content: await markdownScript() });
}, 60000);
afterAll(() => browser?.close());

type Shown = { html: string; text: string; tags: string[]; handlers: string[]; links: { href: string | null; rel: string | null; target: string | null }[] };

/** Shows `text` in #out as the page does and reports what reached the DOM. */
const show = (text: string, streaming = false): Promise<Shown> =>
  page.evaluate(
    ([t, s]) => {
      const out = document.getElementById('out')!;
      out.replaceChildren();
      (window as unknown as MarkdownWindow).awMarkdown.showMarkdown(out, t, s);
      const all = Array.from(out.querySelectorAll('*'));
      return {
        html: out.innerHTML,
        text: (out.textContent ?? '').trim(),
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
        handlers: all.flatMap((e) => Array.from(e.attributes).map((a) => a.name).filter((n) => n.startsWith('on'))),
        links: Array.from(out.querySelectorAll('a')).map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target') })),
      };
    },
    [text, streaming] as const,
  );

test('the simulator’s kind of answer: bold, a list, paragraphs', async () => {
  const shown = await show('你好。\n\n**建议要点**：  \n- 😴 **睡眠**：每晚睡够 7–9 小时\n- 🥦 **饮食**：少油少盐\n\n别给自己太大压力 ¯\\_(ツ)_/¯，明天 "再试一次" 就好。');
  // The hard break before the list ends a block, where Markdown drops it.
  expect(shown.tags).toEqual(['li', 'p', 'strong', 'ul']);
  expect(shown.text).not.toContain('**');
  // `\_` is Markdown's escaped underscore.
  expect(shown.text).toContain('¯_(ツ)_/¯');
  expect(shown.text).toContain('明天 "再试一次" 就好');
});

const HOSTILE = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '[点我](javascript:window.__xss=3)',
  '[大写](JaVaScRiPt:window.__xss=4)',
  '[实体](jav&#x61;script:window.__xss=5)',
  '<javascript:window.__xss=6>',
  '[引用][r]\n\n[r]: javascript:window.__xss=7',
  '[数据](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9ODwvc2NyaXB0Pg==)',
  '![图](x" onerror="window.__xss=9)',
  '<div onclick="window.__xss=10">\n<b>块</b>\n</div>',
  '<svg onload="window.__xss=11"><circle r="4"/></svg>',
  '<iframe src="javascript:window.__xss=12"></iframe>',
  '<style>body{display:none}</style>',
  '<a href="javascript:window.__xss=13">原始链接</a>',
  '- [x] 任务 <input autofocus onfocus="window.__xss=14">',
  '`<img src=x onerror=window.__xss=15>` 和\n\n```html\n<script>window.__xss=16</script>\n```',
  '<details open ontoggle="window.__xss=17"><summary>x</summary></details>',
  '[相对](/api/v1/chat/conversations)',
];

test.each(HOSTILE.map((h) => [h]))('hostile answer %j: no script, handler, image or unsafe link reaches the DOM', async (hostile) => {
  const shown = await show(`前言\n\n${hostile}\n\n结尾`);
  expect(shown.handlers).toEqual([]);
  for (const tag of shown.tags) expect(['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'ul', 'ol', 'li', 'a', 'blockquote']).toContain(tag);
  for (const link of shown.links) if (link.href !== null) expect(link.href).toMatch(/^(https?:|mailto:)/i);
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(shown.text).toContain('前言');
  expect(shown.text).toContain('结尾');
});

test('raw HTML is shown as the text it is, not dropped', async () => {
  const shown = await show('看这个 <img src=x onerror="window.__xss=1"> 和\n\n<script>alert(1)</script>');
  expect(shown.text).toContain('<img src=x onerror="window.__xss=1">');
  expect(shown.text).toContain('<script>alert(1)</script>');
  expect(shown.tags).toEqual(['p']);
});

test('links to the web and mail open in a new tab that cannot reach back (noopener); others are plain text', async () => {
  const shown = await show('[指南](https://example.com/a?b=1) <mailto:help@example.com> [坏](javascript:alert(1))');
  expect(shown.links).toEqual([
    { href: 'https://example.com/a?b=1', rel: 'noopener noreferrer', target: '_blank' },
    { href: 'mailto:help@example.com', rel: 'noopener noreferrer', target: '_blank' },
    { href: null, rel: null, target: null },
  ]);
  expect(shown.text).toContain('坏');
});

test('while streaming, an unfinished **bold shows as text until it is closed', async () => {
  expect((await show('先说 **重', true)).text).toBe('先说 **重');
  const closed = await show('先说 **重点**', true);
  expect(closed.tags).toEqual(['p', 'strong']);
  expect(closed.text).toBe('先说 重点');
});

test('while streaming, a last line of only -, = or 1. waits for its text (no flash of a heading or an empty item)', async () => {
  for (const tail of ['-', '--', '==', '1.', '* ', '|---']) {
    const streaming = await show(`一段话\n${tail}`, true);
    expect(streaming.tags).toEqual(['p']);
    expect(streaming.text).toBe('一段话');
  }
  // Finished, the same text is what Markdown says it is: a heading.
  expect((await show('一段话\n-')).tags).toEqual(['h2']);
  expect((await show('一段话\n- 一条', true)).tags).toEqual(['li', 'p', 'ul']);
});

test('a growing text keeps the nodes of the blocks that did not change', async () => {
  const kept = await page.evaluate(() => {
    const { showMarkdown } = (window as unknown as MarkdownWindow).awMarkdown;
    const out = document.getElementById('out')!;
    out.replaceChildren();
    showMarkdown(out, '第一段。\n\n第二', true);
    const first = out.firstElementChild;
    const second = out.children[1];
    showMarkdown(out, '第一段。\n\n第二段。\n\n- 第三', true);
    return { first: out.firstElementChild === first, second: out.children[1] === second, html: out.innerHTML };
  });
  expect(kept.first).toBe(true);
  expect(kept.second).toBe(false);
  expect(kept.html).toBe('<p>第一段。</p>\n<p>第二段。</p>\n<ul>\n<li>第三</li>\n</ul>\n');
});
