import { buildServices } from './build';
import { SERVICES, type ServiceName } from './process';

// `pnpm build [service …]`: bundles the services (all of them by default) into services/<name>/dist/.
const main = async (): Promise<void> => {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown service ${unknown.join(', ')} (one of ${SERVICES.join(', ')})`);
  const started = Date.now();
  const services = asked.length > 0 ? (asked as ServiceName[]) : SERVICES;
  await buildServices(services);
  process.stdout.write(`built ${services.join(', ')} in ${Date.now() - started} ms\n`);
};

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
