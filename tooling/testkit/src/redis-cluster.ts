import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireBinary } from './binaries';
import { freePortPair } from './ports';
import { type RedisServer, startRedisServer } from './redis-server';

const run = promisify(execFile);

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of master nodes (at least 3, as `redis-cli --cluster create` requires). @default 3 */
  readonly masters?: number;
  /** How long to wait for `cluster_state:ok` on every node. @default 20000 */
  readonly readyTimeoutMs?: number;
}

/** A running Redis Cluster on 127.0.0.1. */
export interface RedisCluster {
  /** Every master, in slot order (node 0 holds slot 0). */
  readonly nodes: readonly RedisServer[];
  /** `[{ host, port }]` for `new Redis.Cluster(startupNodes)`. */
  readonly startupNodes: ReadonlyArray<{ host: string; port: number }>;
  /** Stops every node. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a real Redis Cluster of `masters` nodes (no replicas) on 127.0.0.1:
 * one `redis-server --cluster-enabled yes` per node, joined with
 * `redis-cli --cluster create`, and waits until every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 3) {
    throw new TypeError(`Expected \`masters\` to be an integer of at least 3, got ${masters}`);
  }
  const cli = requireBinary('redis-cli');
  const nodes: RedisServer[] = [];
  try {
    for (let index = 0; index < masters; index++) {
      const port = await freePortPair(10_000);
      nodes.push(
        await startRedisServer({
          port,
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(
      cli,
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      {
        timeout: 30_000,
      },
    );
    await waitForClusterOk(cli, nodes, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return {
    nodes,
    startupNodes: nodes.map((node) => ({ host: node.host, port: node.port })),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

async function waitForClusterOk(
  cli: string,
  nodes: readonly RedisServer[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    for (;;) {
      const { stdout } = await run(cli, [
        '-h',
        '127.0.0.1',
        '-p',
        String(node.port),
        'cluster',
        'info',
      ]);
      if (stdout.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Redis Cluster node 127.0.0.1:${node.port} not ok after ${timeoutMs} ms:\n${stdout}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
