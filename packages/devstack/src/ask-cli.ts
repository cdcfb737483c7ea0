import { ask, askOptionsFrom, AskError } from './ask';

// `pnpm ask "我最近睡眠不好"`: one question to the running stack as the demo user, the answer streamed
// to stdout. Exit 0 once it is done; 1 with one line on stderr otherwise.
const main = async (): Promise<number> => {
  const options = askOptionsFrom(process.argv.slice(2), process.env);
  const result = await ask(options, (text) => process.stdout.write(text), (line) => process.stderr.write(`${line}\n`));
  if (result.state === 'done') {
    process.stdout.write('\n');
    return 0;
  }
  const why = result.error ? `${result.error.code}: ${result.error.message}` : 'cancelled';
  process.stderr.write(`\nthe answer ended with ${result.state} (${why})\n`);
  return 1;
};

main().then(
  // Explicitly: fetch keeps idle connections open for a while after the answer.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`ask failed: ${err instanceof AskError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
