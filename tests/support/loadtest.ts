import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';
import type { Report } from '../../packages/loadtest/src/report';

const run = promisify(execFile);

/** `pnpm loadtest <args>` into a fresh report directory; the run's JSON report and its output. */
export const loadtest = async (args: string[]): Promise<{ stdout: string; report: Report; html: string }> => {
  const out = mkdtempSync(join(tmpdir(), 'aw-loadtest-'));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/loadtest/src/cli.ts'), ...args, '--out', out], {
      cwd: REPO_ROOT,
      env: process.env,
      maxBuffer: 10 * 2 ** 20,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    const files = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8')) as Report;
    return { stdout, report, html: readFileSync(join(out, files.find((f) => f.endsWith('.html'))!), 'utf8') };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};

/** What a run of `chats` chats must report: every one exact, checked against the simulator. */
export const exactly = (chats: number) => ({ chats, exact: chats, lostTokens: 0, duplicatedFrames: expect.any(Number), reorderedFrames: expect.any(Number), checkedAgainstSimulator: true });
