import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';

const run = promisify(execFile);

// The load harness as CI runs it: `pnpm loadtest --scenario chat --users 100`, asserting
// correctness (every answer exact), not speed.
test('pnpm loadtest --scenario chat --users 100 completes every chat with the exact text', async () => {
  const out = mkdtempSync(join(tmpdir(), 'aw-loadtest-'));
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'packages/loadtest/src/cli.ts'), '--scenario', 'chat', '--users', '100', '--tps', '100', '--out', out],
      { cwd: REPO_ROOT, env: process.env, maxBuffer: 10 * 2 ** 20 },
    );
    expect(stdout).toContain('| time_to_done |');
    const [jsonName] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const report = JSON.parse(readFileSync(join(out, jsonName!), 'utf8'));
    expect(report.correctness).toEqual({ chats: 100, exact: 100, lostTokens: 0, duplicatedFrames: 0, reorderedFrames: 0 });
    expect(report.latenciesMs.first_token.count).toBe(100);
    // One round trip to Redis per delivered frame on the worker side (plus the status frames).
    expect(report.redisPerToken.roundTrips).toBeLessThan(1.2);
    expect(readdirSync(out).some((f) => f.endsWith('.html'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180000);
