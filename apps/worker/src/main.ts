import 'reflect-metadata';
// The configuration first, from its own modules: a bad setting stops the process with one line before the
// application's modules are loaded.
import { loadConfigOrExit } from '../../../libs/platform/src/config/app-config';
import { tuneRuntime } from '../../../libs/platform/src/config/runtime-tuning';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  tuneRuntime(config);
  const [{ NestFactory }, { Logger }, { WorkerModule }] = await Promise.all([import('@nestjs/core'), import('nestjs-pino'), import('./worker.module')]);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  process.stdout.write('worker started: processing BullMQ queues\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
