import 'reflect-metadata';
import { loadConfigOrExit, tuneRuntime } from '@zjp/platform';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  tuneRuntime(config);
  const app = await createApiApp(config);
  await app.listen(config.PORT, '0.0.0.0');
  const url = await app.getUrl();
  process.stdout.write(`api listening on ${url.replace('[::1]', '127.0.0.1')} (OpenAPI at /api/docs)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
