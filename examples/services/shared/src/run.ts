import type { ServiceApp } from './app';
import { listen, type RunningService } from './serve';

/**
 * Serves an app from a `main.ts`: listens, logs one start line, and on
 * SIGTERM/SIGINT drains (readiness 503, no new connections, in-flight calls
 * finish) and exits, forcing the exit after `graceMs`.
 */
export async function runService(
  app: ServiceApp,
  options: { host: string; port: number; graceMs?: number; onClose?: () => Promise<void> },
): Promise<RunningService> {
  const running = await listen(app, options);
  process.stdout.write(
    `${JSON.stringify({ service: app.name, event: 'listening', url: running.url })}\n`,
  );
  const stop = async () => {
    const force = setTimeout(() => process.exit(1), options.graceMs ?? 10_000);
    force.unref();
    await running.close();
    await options.onClose?.();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return running;
}
