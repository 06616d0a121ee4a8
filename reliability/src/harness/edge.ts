/**
 * The reference nginx config (examples/gateway/nginx/nginx.conf) in a real
 * nginx in front of several replicas: the deploy test's rendering (loopback
 * ports, temp paths, 127.0.0.1 allowed as "Telegram"), with the one upstream
 * server replaced by every replica.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Update } from '@grammyjs/types';
import {
  type EdgeConfig,
  httpsCall,
  startNginx,
  substitute,
  writeEdgeConfig,
} from '../../../examples/gateway/test/edge';
import { WEBHOOK_PATH, WEBHOOK_SECRET } from './gateway';

/** A running nginx on the reference config, balancing over replicas. */
export interface Edge {
  readonly config: EdgeConfig;
  /** Posts one update to the public webhook over TLS, as Telegram would; resolves with the status. */
  postUpdate(update: Update): Promise<number>;
  /** Stops nginx and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Renders the reference config for `upstreamPorts` (round robin, as in production) and starts nginx. */
export async function startEdge(upstreamPorts: readonly number[]): Promise<Edge> {
  const [first] = upstreamPorts;
  if (first === undefined) throw new TypeError('Expected at least one upstream port, got none');
  const config = await writeEdgeConfig(first, true);
  const server = (port: number) => `server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`;
  writeFileSync(
    config.configPath,
    substitute(readFileSync(config.configPath, 'utf8'), [
      [server(first), upstreamPorts.map(server).join('\n    ')],
    ]),
  );
  let nginx: { stop: () => Promise<void> };
  try {
    nginx = await startNginx(config);
  } catch (error) {
    rmSync(config.dir, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    config,
    async postUpdate(update) {
      const response = await httpsCall(config, WEBHOOK_PATH, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
        },
        body: JSON.stringify(update),
      });
      return response.status;
    },
    stop() {
      stopped ??= nginx.stop().finally(() => rmSync(config.dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
