import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

// `pnpm --dir packages/web screenshot [URL]`: the README's picture of the page, taken from a
// running stack (`pnpm start`; URL defaults to http://127.0.0.1:8000) whose database has no
// conversations of demo_user yet. Asks three questions, each in its own conversation, so the side
// list shows three titles, and shoots the last answer once it is done. Needs Debian's Chromium
// and, for the Chinese text, fonts-noto-cjk.
const QUESTIONS = ['每天走多少步比较合适？', '最近压力大，下午总是头疼', '我最近睡眠不好，怎么办？'];
const OUT = join(__dirname, '..', '..', '..', 'docs', 'screenshot.png');

const askAndWait = async (page: Page, question: string): Promise<void> => {
  await page.getByRole('button', { name: '新对话' }).click();
  await page.getByLabel('你的健康问题').fill(question);
  await page.getByRole('button', { name: '发送' }).click();
  await page.locator('#messages > li:last-child[data-status="done"]').waitFor({ timeout: 60000 });
  await page.locator('#conversations .conv-title', { hasText: question.slice(0, 8) }).waitFor({ timeout: 10000 });
};

const main = async (): Promise<void> => {
  const url = process.argv[2] ?? 'http://127.0.0.1:8000';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    await page.goto(`${url}/app`);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#conn[data-state="open"]').waitFor({ timeout: 20000 });
    for (const question of QUESTIONS) await askAndWait(page, question);
    await page.locator('#question').blur();
    await page.screenshot({ path: OUT });
    process.stdout.write(`${OUT}\n`);
  } finally {
    await browser.close();
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`screenshot failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
