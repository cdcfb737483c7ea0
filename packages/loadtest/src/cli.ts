import { join } from 'node:path';
import { REPO_ROOT } from '@aurawell/devstack';
import { parseLoadArgs, UsageError } from './args';
import { fdLimits, fdsNeeded, RAISED_ENV, reexecWithLimit, shouldRaise } from './fd-limit';
import { helpText } from './flags';
import { writeReport } from './html-report';
import { summaryTable } from './report';
import { resolveEdge, runLoad } from './run';
import { failedChecks } from './verdict';

// `pnpm loadtest --scenario chat --users 100`: starts the local topology (or uses --url), runs the
// scenario, prints a progress line a second and a summary table, writes JSON and HTML reports, and
// exits 1 when any answer was not exactly the simulator's text (or connections were not held).

const log = (line: string) => process.stdout.write(`${line}\n`);

const main = async (): Promise<number> => {
  const o = parseLoadArgs(process.argv.slice(2));
  if (o === null) return (log(helpText()), 0);
  const limits = fdLimits();
  const need = fdsNeeded(o.clients, o.procs === 1, o.url === null && resolveEdge(o, false) === 'dev');
  if (limits && shouldRaise(limits, need, process.env)) return reexecWithLimit(limits, need);
  const raised = process.env[RAISED_ENV] === undefined ? '' : ` (was ${process.env[RAISED_ENV]} before re-executing with ulimit -n)`;
  log(`file descriptors: soft ${limits?.soft ?? '?'}, hard ${limits?.hard ?? '?'}${raised}${limits && limits.soft < need ? `; this run may need about ${need}: use --procs or --edge none` : ''}`);
  const report = await runLoad(o, limits, log);
  log(`\n${summaryTable(report)}\n`);
  const files = writeReport(o.out ?? join(REPO_ROOT, 'loadtest-results'), `${report.scenario}-${report.startedAt.replace(/[:.]/g, '-')}`, report);
  log(`report: ${files.json}\n        ${files.html}`);
  const failed = failedChecks(report, o);
  failed.forEach((f) => log(`FAILED: ${f}`));
  return failed.length > 0 ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`loadtest failed: ${err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (err instanceof UsageError) process.stderr.write('(pnpm loadtest --help lists the flags)\n');
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
