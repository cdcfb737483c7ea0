import { startDirectRelay } from './direct-relay';
import { startSocketIoRelay } from './socketio-relay';

// `node --import tsx relay-main.ts direct|socketio`: one relay process for the benchmark, configured
// by PORT, SIM_URL, JWT_SECRET_KEY (and REDIS_URL, BENCH_ADAPTER_KEY for socketio). Prints
// `ready <port>` once it listens; SIGTERM closes it.

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const main = async (): Promise<void> => {
  const base = { port: Number(process.env.PORT ?? 0), simUrl: env('SIM_URL'), secret: env('JWT_SECRET_KEY') };
  const server =
    process.argv[2] === 'socketio'
      ? await startSocketIoRelay({ ...base, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key: env('BENCH_ADAPTER_KEY') })
      : await startDirectRelay(base);
  process.stdout.write(`ready ${server.port}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
};

main().catch((err: unknown) => {
  process.stderr.write(`relay failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
