import { createServer } from 'node:net';

/** Whether `port` can be bound on 127.0.0.1 right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS reports free on 127.0.0.1 (bind to port 0, read it, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port whose `port + offset` is free too — Redis Cluster's bus listens
 * on the data port + 10000.
 */
export async function freePortPair(offset: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * (65_535 - offset - 20_000));
    if ((await isPortFree(port)) && (await isPortFree(port + offset))) return port;
  }
  throw new Error(`Could not find a free port pair ${offset} apart on 127.0.0.1 after 200 tries`);
}
