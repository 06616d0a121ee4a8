/**
 * Entry point of the reference gateway.
 *
 * - `tsx src/main.ts` — production: configuration from the environment
 *   (see `.env.example`), webhook or long polling against Telegram.
 * - `tsx src/main.ts demo [--serve]` — embedded demo: a local Bot API server,
 *   the example services and memory stores, driven by a scripted scenario.
 */
import { ConfigError, loadConfig, redactConfig } from './config';
import { createGateway } from './gateway';
import { createLogger, describeError } from './runtime/logger';
import { startTracing, type Tracing } from './runtime/tracing';

const [command, ...flags] = process.argv.slice(2);

if (command === 'demo') {
  const { runDemo } = await import('./demo/run-demo');
  process.exitCode = await runDemo({ serve: flags.includes('--serve') });
} else {
  await runProduction();
}

async function runProduction(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 78; // EX_CONFIG
      return;
    }
    throw error;
  }
  logger.log('info', 'configuration loaded', redactConfig(config));
  const tracing: Tracing | undefined = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? startTracing({
        endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
        serviceName: config.OTEL_SERVICE_NAME,
      })
    : undefined;
  const gateway = createGateway(config, { logger });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'signal received', { signal });
    try {
      await gateway.stop();
      await tracing?.shutdown();
    } catch (error) {
      logger.log('error', 'shutdown failed', describeError(error));
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    await gateway.start();
  } catch (error) {
    logger.log('error', 'start failed', describeError(error));
    await gateway.stop().catch(() => undefined);
    process.exitCode = 1;
  }
}
