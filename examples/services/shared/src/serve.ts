import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceApp } from './app';

/** A listening service. */
export interface RunningService {
  readonly url: string;
  readonly port: number;
  /** Marks the service not ready, stops accepting, waits for in-flight calls (closes idle ones). */
  close(): Promise<void>;
}

/** Serves `app` on host:port (port 0: any free port). */
export async function listen(
  app: ServiceApp,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<RunningService> {
  const server = createServer(app.listener);
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        app.health.drain();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
