/**
 * One load level: autocannon posts the update stream to a stack's webhook
 * with `connections` concurrent keep-alive connections for a fixed time.
 */
import autocannon from 'autocannon';
import { WEBHOOK_SECRET } from '../harness/gateway';
import { type CpuWindow, startCpuWindow } from './cpu';
import type { UpdateSource } from './scenario';
import type { LoadWorld, Stack } from './stacks';

/** What one level measured. */
export interface LevelResult {
  readonly stack: Stack['name'];
  readonly connections: number;
  readonly durationSeconds: number;
  /** 2xx answers per second. */
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly ok: number;
  /** Answers other than 2xx. */
  readonly non2xx: number;
  /** Answers by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** `/shifts` commands sent, and signed backend calls answered 2xx meanwhile. */
  readonly commands: number;
  readonly backendServed: number;
  readonly backendRefused: number;
  /** Replies the Bot API server received. */
  readonly replies: number;
  /**
   * Cores busy during the level: the stack's process, this process (load
   * generator, backends, Bot API server), redis-server, and everything else
   * on the machine.
   */
  readonly cpu: ReturnType<CpuWindow['stop']>;
}

/** Options of {@link runLevel}. */
export interface LevelOptions {
  readonly connections: number;
  readonly durationSeconds: number;
}

/** Runs one level against `stack` and collects the figures. */
export async function runLevel(
  world: LoadWorld,
  stack: Stack,
  source: UpdateSource,
  options: LevelOptions,
): Promise<LevelResult> {
  world.takeSentMessages();
  const served = stack.backendServed();
  const refused = stack.backendRefused();
  const commands = source.commands();
  const cpuWindow = startCpuWindow(stack.pid, world.redis.pid());
  const result = await autocannon({
    url: stack.webhookUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
        },
        setupRequest: (request) => ({ ...request, body: source.next() }),
      },
    ],
  });
  const cpu = cpuWindow.stop();
  // Updates answered at the bell may still be replying; let them land before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ok = result['2xx'];
  return {
    stack: stack.name,
    connections: options.connections,
    durationSeconds: result.duration,
    throughput: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok,
    non2xx: result.non2xx,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
    errors: result.errors + result.timeouts,
    commands: source.commands() - commands,
    backendServed: stack.backendServed() - served,
    backendRefused: stack.backendRefused() - refused,
    replies: world.takeSentMessages(),
    cpu,
  };
}
