import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort, REPO_ROOT } from '@aurawell/devstack';
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
];
const SHOTS = join(REPO_ROOT, 'test-artifacts/web');

let sys: TestSystem;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the web tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  // The gateways accept browser origins from a list: the edge's port is chosen first so its
  // origin can be on it (the page and its WebSocket share that origin).
  const edgePort = await freePort();
  // A thinking model, so every answer also streams reasoning (the page folds it away).
  sys = await startTestSystem({
    gateways: 2,
    edgePort,
    serviceEnv: { 'ws-gateway': { PRODUCTION_ORIGIN: `http://127.0.0.1:${edgePort}` }, 'advice-worker': { DEEPSEEK_THINKING: 'true' } },
  });
  userDataDir = await mkdtemp(join(tmpdir(), 'aw-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 720 },
    locale: 'zh-CN',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
}, 180000);

afterAll(async () => {
  SdkUser.closeAll();
  await context?.close();
  await sys?.stop();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
}, 60000);

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

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
  expect(bundle.length).toBeLessThan(60000);
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
  expect(await answerText()).toBe(simulatorText(message));
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
  await page.locator('#conversations button').first().click();
  await page.locator('#messages > li.user', { hasText: message }).waitFor({ timeout: 10000 });
  expect(await page.locator('#messages > li.assistant .answer').last().textContent()).toBe(simulatorText(message));
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
  // The page's device id is kept across reloads (a reminder reaches this browser once).
  expect(await page.evaluate(() => localStorage.getItem('aurawell.device_id'))).toMatch(/^web-[0-9a-f]{24}$/);
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
  expect(await answerText()).toBe(simulatorText(message));
  expect(await page.locator('#messages > li.user .who').last().textContent()).toBe('我（另一台设备）');
  // Its conversation is now the one open here.
  await page.locator('#conversations button[aria-current="true"]').waitFor({ timeout: 10000 });
  phone.close();
  expect(pageErrors).toEqual([]);
});

test('the gateway holding the page’s connection dies mid-answer: the page reconnects and the answer completes exactly', async () => {
  const message = `网页 断线 [[sim:tps=15]] ${randomUUID()}`;
  await ask(message);
  await untilSomeText();
  const counts = await connectionsPerGateway();
  const holder = counts.findIndex((n) => n > 0);
  expect(counts.filter((n) => n > 0)).toEqual([1]); // exactly one gateway holds the page's one socket
  const before = await answerText();
  sys.stack.gateways[holder]!.signal('SIGKILL');
  await page.waitForFunction(() => Number(document.querySelector('#conn')?.getAttribute('data-reconnects')) >= 1, undefined, { timeout: 20000 });
  await page.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
  await untilStatus('done', 60000);
  await shot('04-reconnected-done');
  const final = await answerText();
  expect(final.startsWith(before)).toBe(true);
  expect(final).toBe(simulatorText(message));
  expect(await page.locator('#conn-text').textContent()).toMatch(/已连接（已重连 \d+ 次）/);
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
