import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@aurawell/devstack';
import type { Report } from './report';
import { summaryTable, writeReport } from './report';
import { chatScenario, connectScenario } from './scenarios';
import { startLocalTopology, type Target } from './topology';

// `pnpm loadtest --scenario chat --users 100`: starts the local topology (or uses --url), runs the
// scenario, prints a summary table, writes JSON and HTML reports, and fails on any wrong answer.

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'chat' },
    users: { type: 'string', default: '100' },
    chats: { type: 'string', default: '1' },
    'think-ms': { type: 'string', default: '500' },
    ramp: { type: 'string', default: '200' },
    connections: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '500' },
    hold: { type: 'string', default: '10' },
    topology: { type: 'string', default: '1x1' },
    tps: { type: 'string', default: '30' },
    'first-token-ms': { type: 'string', default: '200' },
    'answer-tokens': { type: 'string', default: '120' },
    out: { type: 'string', default: join(REPO_ROOT, 'loadtest-results') },
  },
});
const num = (name: keyof typeof values): number => Number(values[name]);

const main = async (): Promise<void> => {
  const [gateways = 1, workers = 1] = String(values.topology).split('x').map(Number);
  process.stdout.write(`starting ${gateways} gateway(s), ${workers} worker(s), simulator at ${num('tps')} tokens/s\n`);
  const target: Target = await startLocalTopology({ gateways, workers, tokensPerSecond: num('tps'), firstTokenDelayMs: num('first-token-ms'), answerTokens: num('answer-tokens') });
  let report: Report;
  try {
    report =
      values.scenario === 'connect'
        ? await connectScenario(target, { connections: num('connections'), ratePerSecond: num('rate'), holdSeconds: num('hold') })
        : await chatScenario(target, { users: num('users'), chats: num('chats'), thinkMs: num('think-ms'), rampPerSecond: num('ramp'), timeoutMs: 120000 }, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  } finally {
    await target.stop();
  }
  process.stdout.write(`\n${summaryTable(report)}\n`);
  const files = writeReport(String(values.out), `${report.scenario}-${report.startedAt.replace(/[:.]/g, '-')}`, report);
  process.stdout.write(`report: ${files.json}\n        ${files.html}\n`);
  const failed = report.scenario === 'chat' ? report.correctness.exact !== report.correctness.chats : (report.outcomes.ok ?? 0) !== num('connections');
  process.exit(failed ? 1 : 0);
};

main().catch((err: unknown) => {
  process.stderr.write(`loadtest failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
