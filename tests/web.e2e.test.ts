import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { simulatedSpeech, SIMULATED_QUESTIONS } from '@aurawell/deepseek-sim';
import { REPO_ROOT } from '@aurawell/devstack';
import { markdownScript, type MarkdownWindow } from '../packages/web/src/testing';
import { endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';

// The web page (packages/web, served by the api at /app) in a real browser: Debian's Chromium,
// headless, driven by playwright-core (no browser download), against the real system with two
// gateways behind the edge. Screenshots of the key states go to test-artifacts/web/.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A fake microphone that "says" FAKE_MIC_WAV (looped); audio may play without a gesture first.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
const SHOTS = join(REPO_ROOT, 'test-artifacts/web');

let sys: TestSystem;
let context: BrowserContext;
let page: Page;
/** A blank tab with the page's Markdown renderer: what an answer's text must look like on the page. */
let renderer: Page;
let userDataDir: string;
const pageErrors: string[] = [];
/** Every WebSocket frame the page received, with the URL of its socket. */
const pageFrames: WsFrame[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the web tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  // The gateways accept browser origins from a list; the stack puts its edge's own origin on it,
  // as `pnpm start` does, so the page's WebSocket (same origin) gets through with nothing set.
  // A thinking model, so every answer also streams reasoning (the page folds it away).
  sys = await startTestSystem({ gateways: 2, serviceEnv: { 'advice-worker': { DEEPSEEK_THINKING: 'true' } } });
  userDataDir = await mkdtemp(join(tmpdir(), 'aw-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  const fakeMic = join(userDataDir, 'fake-mic.wav');
  await writeFile(fakeMic, simulatedSpeech('我最近睡眠不好，怎么办？', 'alloy', 'wav'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, `--use-file-for-fake-audio-capture=${fakeMic}`],
    permissions: ['microphone'],
    viewport: { width: 1100, height: 720 },
    locale: 'zh-CN',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
  recordFrames(page, pageFrames);
  renderer = await context.newPage();
  await renderer.setContent('<!doctype html><div id="out"></div>');
  await renderer.addScriptTag({ content: await markdownScript() });
}, 180000);

afterAll(async () => {
  SdkUser.closeAll();
  await context?.close();
  await sys?.stop();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
}, 60000);

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

type WsFrame = { url: string; type: string; delivery_id?: string };
/** Records the frames of every WebSocket the page opens from now on (reconnects and reloads included). */
const recordFrames = (p: Page, into: WsFrame[]) =>
  p.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string; delivery_id?: string };
      into.push({ url: ws.url(), type: frame.type, delivery_id: frame.delivery_id });
    }),
  );
const deviceIdOf = (url: string) => new URL(url).searchParams.get('device_id');

/** `text` as the page renders an answer (the same renderer, in a blank tab): its HTML. */
const rendered = (text: string) =>
  renderer.evaluate((t) => {
    const out = document.getElementById('out')!;
    out.replaceChildren();
    (window as unknown as MarkdownWindow).awMarkdown.showMarkdown(out, t);
    return out.innerHTML;
  }, text);

/** The answer the page is showing last (the live one after an ask). */
const lastAnswer = '#messages > li:last-child';

const transcript = (message: string) => {
  const t = sys.sim.transcripts().find((x) => x.lastUserMessage === message);
  if (!t) throw new Error(`the simulator never got ${message}`);
  return t;
};
const simulatorText = (message: string): string => transcript(message).content;

const ask = async (message: string) => {
  await page.getByLabel('你的健康问题').fill(message);
  await page.getByRole('button', { name: '发送' }).click();
};

const answerText = async () => (await page.locator(`${lastAnswer} .answer`).textContent()) ?? '';
const answerHtml = () => page.locator(`${lastAnswer} .answer`).innerHTML();
const untilStatus = (status: string, timeout = 30000) => page.locator(`${lastAnswer}[data-status="${status}"]`).waitFor({ state: 'attached', timeout });
const untilSomeText = () => page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').length > 0, `${lastAnswer} .answer`, { timeout: 20000 });

/** Open WebSocket connections per gateway, from each one's own `/ws/stats`. */
const connectionsPerGateway = async () =>
  Promise.all(sys.stack.gatewayUrls.map(async (url) => ((await (await fetch(`${url}/ws/stats`)).json()) as { active_connections: number }).active_connections));

test('the api serves the page: one HTML, one bundle, one stylesheet; GET / is unchanged', async () => {
  const html = await fetch(`${sys.stack.edgeUrl}/app`);
  expect(html.status).toBe(200);
  expect(html.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await html.text()).toContain('/app/app.js');
  const js = await fetch(`${sys.stack.edgeUrl}/app/app.js`);
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  const bundle = await js.text();
  expect(bundle.length).toBeGreaterThan(5000);
  // The SDK, marked and DOMPurify, minified: about 120 kB (41 kB gzipped).
  expect(bundle.length).toBeLessThan(160000);
  expect((await fetch(`${sys.stack.edgeUrl}/app/app.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  const root = (await (await fetch(`${sys.stack.edgeUrl}/`)).json()) as Record<string, unknown>;
  expect(Object.keys(root).sort()).toEqual(['data', 'message', 'request_id', 'status', 'success', 'timestamp']);
});

test('log in, pick a family member, ask: the answer streams and completes with exactly the simulator’s text', async () => {
  await page.goto(`${sys.stack.edgeUrl}/app`);
  await page.getByRole('button', { name: '登录' }).waitFor();
  await shot('01-login');
  await page.getByLabel('用户名').fill('demo_user');
  await page.getByLabel('密码').fill('demo_password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
  // The seeded family has other members; asking for one of them goes through switch_member.
  await page.waitForFunction(() => (document.querySelector('#member') as HTMLSelectElement).options.length > 1, undefined, { timeout: 10000 });
  await page.selectOption('#member', { index: 1 });
  await page.locator('#member-note', { hasText: '现在为' }).waitFor({ timeout: 10000 });
  await page.selectOption('#member', { index: 0 });
  await page.locator('#member-note', { hasText: '我自己' }).waitFor({ timeout: 10000 });

  const message = `网页 普通回答 ${randomUUID()}`;
  await ask(message);
  await untilStatus('done');
  await shot('02-answer-done');
  // The model's Markdown rendered: bold and the list, no asterisks; exactly the simulator's text.
  expect(await answerHtml()).toBe(await rendered(simulatorText(message)));
  expect(await page.locator(`${lastAnswer} .answer ul > li`).count()).toBe(3);
  expect(await page.locator(`${lastAnswer} .answer strong`).count()).toBeGreaterThanOrEqual(4);
  expect(await answerText()).not.toContain('**');
  expect(await page.locator(lastAnswer).getAttribute('aria-busy')).toBe('false');
  // The reasoning is there, folded: exactly the simulator's, not shown until opened.
  const reasoning = page.locator(`${lastAnswer} details.reasoning`);
  expect(transcript(message).reasoning.length).toBeGreaterThan(0);
  expect(await reasoning.locator('pre').textContent()).toBe(transcript(message).reasoning);
  expect(await reasoning.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  expect(await reasoning.locator('pre').isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: '停止' }).isDisabled()).toBe(true);

  // The conversation is listed; opening it again shows its history from the api.
  await page.locator('#conversations li').first().waitFor({ timeout: 10000 });
  await page.getByRole('button', { name: '新对话' }).click();
  expect(await page.locator('#messages > li').count()).toBe(0);
  await page.locator('#conversations .conv-open').first().click();
  await page.locator('#messages > li.user', { hasText: message }).waitFor({ timeout: 10000 });
  expect(await page.locator('#messages > li.assistant .answer').last().innerHTML()).toBe(await rendered(simulatorText(message)));
  expect(pageErrors).toEqual([]);
});

test('Stop cancels the streaming answer', async () => {
  await ask(`网页 停止 [[sim:tps=15]] ${randomUUID()}`);
  await untilSomeText();
  await page.getByRole('button', { name: '停止' }).click();
  await untilStatus('cancelled');
  await shot('03-cancelled');
  expect(await page.locator(`${lastAnswer} .status`).textContent()).toBe('已取消');
  expect(await page.getByRole('button', { name: '发送' }).isEnabled()).toBe(true);
});

test('a hostile answer (the simulator echoes the question) is shown formatted and inert, while streaming and after', async () => {
  // Blocks apart: a line opening with a tag starts an HTML block that runs to the next blank line.
  const hostile = [
    `**注意**：以下是测试内容 ${randomUUID().slice(0, 8)}`,
    '- 第一条\n- 第二条',
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=2</script>',
    '[点我](javascript:window.__xss=3) 和 [指南](https://example.com/guide)',
    '<div onclick="window.__xss=4">块</div>',
    '![图](x" onerror="window.__xss=5)',
  ].join('\n\n');
  // A slow stream, so the checks below also see it half-written.
  const message = `[[sim:echo,tps=20]]${hostile}`;
  // In a conversation of its own: 新对话 starts one (the page names it), listed under its question.
  const before = await page.locator('#conversations li.conv').count();
  await page.getByRole('button', { name: '新对话' }).click();
  await ask(message);
  await untilSomeText();
  const inert = () =>
    page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('#messages *'));
      return {
        handlers: all.flatMap((e) => Array.from(e.attributes).map((a) => a.name).filter((n) => n.startsWith('on'))),
        tags: all.map((e) => e.tagName.toLowerCase()).filter((t) => ['script', 'img', 'iframe', 'svg', 'input'].includes(t)),
        links: Array.from(document.querySelectorAll('#messages a[href]')).map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
        xss: (window as { __xss?: unknown }).__xss ?? null,
      };
    });
  expect((await inert()).handlers).toEqual([]);
  await untilStatus('done');
  await shot('08-hostile-answer');
  expect(simulatorText(message)).toBe(hostile);
  expect(await answerHtml()).toBe(await rendered(hostile));
  expect(await inert()).toEqual({ handlers: [], tags: [], links: [['https://example.com/guide', 'noopener noreferrer', '_blank']], xss: null });
  // The raw HTML is there as text; the list and the bold are formatted; the question stays as typed.
  expect(await answerText()).toContain('<img src=x onerror="window.__xss=1">');
  expect(await page.locator(`${lastAnswer} .answer ul > li`).count()).toBe(2);
  expect(await page.locator(`${lastAnswer} .answer strong`).textContent()).toBe('注意');
  expect(await page.locator('#messages > li.user .answer').last().textContent()).toBe(message);
  await page.locator('#conversations li.conv').nth(before).waitFor({ timeout: 10000 });
  expect(await page.locator('#conversations .conv-open[aria-current="true"] .conv-title').textContent()).toMatch(/^\[\[sim:echo,tps=20\]\]\*\*注意\*\*/);
  expect(pageErrors).toEqual([]);
});

/** A call of the api as `user_001` (the page's user), from Node. */
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sys.stack.edgeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await sys.tokens.issue('user_001')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown> }).data;
};

test('a reminder due in two seconds appears on the page; 知道了 marks it read and it is gone', async () => {
  const message = `网页 提醒 该喝水了 ${randomUUID()}`;
  await api('POST', '/api/v1/reminders', { title: '喝水', message, schedule: { type: 'once', run_at: new Date(Date.now() + 2000).toISOString() } });
  const card = page.locator('#reminders .reminder', { hasText: message });
  await card.waitFor({ timeout: 20000 });
  expect(await page.locator('#reminders').getAttribute('role')).toBe('status');
  expect(await page.locator('#reminders').getAttribute('aria-live')).toBe('polite');
  expect(await page.locator('#unread').textContent()).toBe('未读提醒 1 条');
  await shot('06-reminder');
  await card.getByRole('button', { name: '知道了' }).click();
  await card.waitFor({ state: 'detached', timeout: 10000 });
  expect(await page.locator('#unread').isHidden()).toBe(true);
  const unread = (await api('GET', '/api/v1/reminders/deliveries?unread_only=true')) as { deliveries: { message: string }[] };
  expect(unread.deliveries.map((d) => d.message)).not.toContain(message);
  // The page's device id: the browser's (localStorage) and the tab's (sessionStorage), both kept across reloads.
  const ids = await page.evaluate(() => [localStorage.getItem('aurawell.device_id'), sessionStorage.getItem('aurawell.tab_id')]);
  expect(ids[0]).toMatch(/^web-[0-9a-f]{24}$/);
  expect(ids[1]).toMatch(/^[0-9a-f]{8}$/);
  expect(pageFrames.map((f) => deviceIdOf(f.url))).toContain(`${ids[0]}-${ids[1]}`);
  expect(pageErrors).toEqual([]);
});

test('two tabs of one browser both show a live reminder; a reload keeps the tab’s device id and is not sent it again', async () => {
  const tab = await context.newPage();
  const tabFrames: WsFrame[] = [];
  recordFrames(tab, tabFrames);
  const logIn = async (p: Page) => {
    await p.goto(`${sys.stack.edgeUrl}/app`);
    await p.getByRole('button', { name: '登录' }).click();
    await p.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
  };
  await logIn(tab);
  const due = async (message: string) => {
    await api('POST', '/api/v1/reminders', { title: '站起来活动', message, schedule: { type: 'once', run_at: new Date(Date.now() + 2000).toISOString() } });
    return message;
  };
  const first = await due(`网页 两个标签页 ${randomUUID()}`);
  const cards = [page, tab].map((p) => p.locator('#reminders .reminder', { hasText: first }));
  await Promise.all(cards.map((c) => c.waitFor({ timeout: 20000 })));
  const deliveryId = (await cards[0]!.getAttribute('data-delivery-id'))!;
  const reminderSockets = (frames: WsFrame[], id: string) => frames.filter((f) => f.type === 'reminder' && f.delivery_id === id).map((f) => f.url);
  // Each tab got it live, on its own device id (the browser's part shared).
  const deviceOfOnly = (urls: string[]) => {
    expect(urls).toHaveLength(1);
    return deviceIdOf(urls[0]!)!;
  };
  const pageDevice = deviceOfOnly(reminderSockets(pageFrames, deliveryId));
  const tabDevice = deviceOfOnly(reminderSockets(tabFrames, deliveryId));
  expect(pageDevice).not.toBe(tabDevice);
  expect(pageDevice.slice(0, 28)).toBe(tabDevice.slice(0, 28));

  // Reloaded, the tab connects as the same device: still unread, the reminder is listed by the
  // api, but not sent again. A second reminder, due after the reconnect, shows the socket works.
  const sockets = new Set(tabFrames.map((f) => f.url));
  await tab.reload();
  await tab.getByRole('button', { name: '登录' }).click();
  await tab.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
  await tab.locator('#reminders .reminder', { hasText: first }).waitFor({ timeout: 10000 });
  const second = await due(`网页 重新加载之后 ${randomUUID()}`);
  await tab.locator('#reminders .reminder', { hasText: second }).waitFor({ timeout: 20000 });
  const after = tabFrames.filter((f) => !sockets.has(f.url));
  expect(new Set(after.map((f) => deviceIdOf(f.url)))).toEqual(new Set([tabDevice]));
  expect(after.filter((f) => f.type === 'reminder').map((f) => f.delivery_id)).toEqual([await tab.locator('#reminders .reminder', { hasText: second }).getAttribute('data-delivery-id')]);

  // A tab opened from this one gets a copy of its sessionStorage, yet a tab id of its own.
  await page.evaluate(() => sessionStorage.setItem('aurawell.test_copy', 'yes'));
  const [copy] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => void window.open(location.href))]);
  await copy!.waitForLoadState();
  const copied = await copy!.evaluate(() => [sessionStorage.getItem('aurawell.test_copy'), sessionStorage.getItem('aurawell.tab_id')]);
  expect(copied[0]).toBe('yes');
  expect(copied[1]).toMatch(/^[0-9a-f]{8}$/);
  expect(copied[1]).not.toBe(pageDevice.slice(29));
  await copy!.close();

  // Read on one tab, gone from both.
  for (const message of [first, second]) {
    const card = page.locator('#reminders .reminder', { hasText: message });
    await card.getByRole('button', { name: '知道了' }).click();
    await tab.locator('#reminders .reminder', { hasText: message }).waitFor({ state: 'detached', timeout: 10000 });
  }
  await tab.close();
  expect(pageErrors).toEqual([]);
});

test('a question asked on another device appears in the thread with its streamed answer, exactly the simulator’s text', async () => {
  // No conversation open: the other device's question opens its conversation here.
  await page.getByRole('button', { name: '新对话' }).click();
  const phone = new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: 'user_001', auth: { token: await sys.tokens.issue('user_001') }, deviceId: 'node-phone-0001' });
  await phone.opened();
  const message = `网页 另一台设备 [[sim:tps=40]] ${randomUUID()}`;
  const gen = phone.client.healthChat(message);
  await page.locator('#messages > li.user', { hasText: message }).waitFor({ timeout: 20000 });
  await untilSomeText();
  expect(await page.locator(lastAnswer).getAttribute('data-remote')).toBe('true');
  await untilStatus('done');
  await shot('07-other-device');
  const result = await endedWithin(gen);
  expect(result.text).toBe(simulatorText(message));
  expect(await answerHtml()).toBe(await rendered(simulatorText(message)));
  expect(await page.locator('#messages > li.user .who').last().textContent()).toBe('我（另一台设备）');
  // Its conversation is now the one open here.
  await page.locator('#conversations button[aria-current="true"]').waitFor({ timeout: 10000 });
  phone.close();
  expect(pageErrors).toEqual([]);
});

test('the side list tells conversations apart (title, when) and renames and deletes them, by keyboard, after a confirm', async () => {
  const listed = async () =>
    ((await (await fetch(`${sys.stack.edgeUrl}/api/v1/chat/conversations`, { headers: { authorization: `Bearer ${await sys.tokens.issue('user_001')}` } })).json()) as {
      conversations: { id: string; title: string }[];
    }).conversations;
  const conversations = await listed();
  await page.locator('#conversations li.conv').nth(conversations.length - 1).waitFor({ timeout: 10000 });
  // Each entry is named by the server's title (the first question, 30 characters) and when it changed.
  const names = await page.locator('#conversations .conv-open').evaluateAll((bs) => bs.map((b) => b.textContent));
  expect(names).toHaveLength(conversations.length);
  expect(new Set(names).size).toBe(names.length);
  expect(await page.locator('#conversations .conv-title').allTextContents()).toEqual(conversations.map((c) => c.title));
  for (const when of await page.locator('#conversations .conv-when').allTextContents()) expect(when).toMatch(/^(今天|昨天) \d\d:\d\d$/);

  // Rename the one open now, by keyboard: 改名, type, Enter.
  const target = conversations.find((c) => c.title.startsWith('网页 另一台设备'))!;
  await page.getByRole('button', { name: `改名：${target.title}` }).focus();
  await page.keyboard.press('Enter');
  const input = page.getByLabel(`「${target.title}」的新标题`);
  expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.press('Escape'); // changed its mind: nothing renamed, the focus back on 改名
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`改名：${target.title}`);
  await page.keyboard.press('Enter');
  await input.fill('家里电脑上问的');
  await page.keyboard.press('Enter');
  const renamed = page.locator(`#conversations li[data-conversation-id="${target.id}"] .conv-title`, { hasText: '家里电脑上问的' });
  await renamed.waitFor({ timeout: 10000 });
  expect(await page.evaluate(() => document.activeElement?.classList.contains('conv-open'))).toBe(true);
  expect((await listed()).find((c) => c.id === target.id)?.title).toBe('家里电脑上问的');
  await shot('09-renamed');

  // Delete it: the confirm names it; cancelled, it stays; accepted, it goes and the thread empties.
  const answers: boolean[] = [false, true];
  const confirms: string[] = [];
  page.on('dialog', (d) => {
    confirms.push(`${d.type()}: ${d.message()}`);
    void (answers.shift() ? d.accept() : d.dismiss());
  });
  const remove = page.getByRole('button', { name: '删除：家里电脑上问的' });
  await remove.click();
  expect(await renamed.count()).toBe(1);
  await remove.focus();
  await page.keyboard.press('Enter');
  await renamed.waitFor({ state: 'detached', timeout: 10000 });
  page.removeAllListeners('dialog');
  expect(confirms).toEqual(Array(2).fill('confirm: 删除对话「家里电脑上问的」？删除后无法恢复。'));
  expect(await page.locator('#messages > li').count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-conv');
  expect((await listed()).map((c) => c.id)).not.toContain(target.id);
  expect(pageErrors).toEqual([]);
});

test('the gateway holding the page’s connection dies mid-answer: the page reconnects and the answer completes exactly', async () => {
  const message = `网页 断线 [[sim:tps=15]] ${randomUUID()}`;
  await ask(message);
  await untilSomeText();
  const counts = await connectionsPerGateway();
  const holder = counts.findIndex((n) => n > 0);
  expect(counts.filter((n) => n > 0)).toEqual([1]); // exactly one gateway holds the page's one socket
  // The answer's first paragraph holds no Markdown, so what it showed must stay its beginning.
  const firstParagraph = async () => (await page.locator(`${lastAnswer} .answer > p`).first().textContent()) ?? '';
  const before = await firstParagraph();
  sys.stack.gateways[holder]!.signal('SIGKILL');
  await page.waitForFunction(() => Number(document.querySelector('#conn')?.getAttribute('data-reconnects')) >= 1, undefined, { timeout: 20000 });
  await page.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
  await untilStatus('done', 60000);
  await shot('04-reconnected-done');
  expect((await firstParagraph()).startsWith(before)).toBe(true);
  expect(await answerHtml()).toBe(await rendered(simulatorText(message)));
  expect(await page.locator('#conn-text').textContent()).toMatch(/已连接（已重连 \d+ 次）/);
});

test('the microphone: a spoken question’s transcript shows while talking, is asked, and the answer streams and is read aloud', async () => {
  pageErrors.length = 0; // the browser's own log of the reconnect the test above caused on purpose
  await page.getByRole('button', { name: '新对话' }).click();
  await page.getByLabel('朗读回答').check();
  sys.sim.clearTranscriptions();
  await page.getByRole('button', { name: '🎤 说话' }).click();
  // The fake microphone's audio reaches the recognizer: a partial transcript shows while "talking".
  await page.locator('#voice-status', { hasText: '「' }).waitFor({ timeout: 20000 });
  await shot('08-voice-partial');
  await page.getByRole('button', { name: '说完了' }).click();
  await untilStatus('done');
  // The question shown is exactly the recognizer's final transcript (of the whole WebM recording).
  const final = sys.sim.transcriptions().filter((t) => t.status === 200).at(-1)!;
  expect(SIMULATED_QUESTIONS).toContain(final.text);
  expect(final.format).toBe('webm');
  const question = (await page.locator('#messages > li.user').last().textContent()) ?? '';
  expect(question).toContain(final.text);
  expect(await answerHtml()).toBe(await rendered(simulatorText(final.text)));
  // Its sentences were spoken and played (Web Audio decoded every one).
  await page.waitForFunction(() => Number(document.querySelector('#player-status')?.getAttribute('data-spoken')) > 0, undefined, { timeout: 20000 });
  expect(await page.locator('#player-status').textContent()).toContain('正在朗读');
  await shot('09-voice-answer');
  await page.getByLabel('朗读回答').uncheck();
  expect(pageErrors).toEqual([]);
});

test('narrow screens get the one-column layout', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await shot('05-mobile');
  const columns = await page.locator('#chat-view').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  expect(columns).toBe(1);
});

test('/docs works in the browser under its Content-Security-Policy: no violation, it renders and tries a request', async () => {
  const docs = await context.newPage();
  const errors: string[] = [];
  docs.on('pageerror', (err) => errors.push(err.message));
  docs.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const res = await docs.goto(`${sys.stack.edgeUrl}/docs/`);
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await docs.locator('.opblock').first().waitFor({ timeout: 20000 });
  await docs.locator('.opblock-summary', { hasText: '/api/v1/health' }).first().click();
  await docs.locator('.try-out__btn').first().click();
  await docs.locator('.execute').first().click();
  await docs.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor({ timeout: 10000 });
  await docs.close();
  expect(errors).toEqual([]);
});
