import type { ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { requireBinary } from './binaries';
import { freePort } from './ports';
import { serviceDir, spawnService, stopProcess } from './processes';

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on. @default a free port */
  readonly port?: number;
  /** `requirepass`. @default none */
  readonly password?: string;
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. @default [] */
  readonly args?: readonly string[];
  /** How long to wait for the server to answer PING. @default 10000 */
  readonly startTimeoutMs?: number;
}

/** A running redis-server on 127.0.0.1. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:PORT` (with the password when one is set). */
  readonly url: string;
  /** The folder the server runs in (pid file, cluster config). */
  readonly dir: string;
  /** The process id of the running server. */
  readonly pid: () => number | undefined;
  /** Stops the server (SIGTERM, SIGKILL after 3 s). Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server at once, as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after `stop` or `kill`). */
  start(): Promise<void>;
  /** `stop` then `start`: a restart with empty memory (persistence is off). */
  restart(): Promise<void>;
}

/**
 * Starts a real `redis-server` on 127.0.0.1 with persistence off, in its own
 * folder, and waits until it answers PING. The process dies with the test
 * process; call `stop()` in `afterAll` to end it earlier.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const client = new Redis(redis.url);
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = requireBinary('redis-server');
  const port = options.port ?? (await freePort());
  const dir = serviceDir(`redis-${port}`);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--pidfile',
    join(dir, `redis-server-${port}.pid`),
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const started = spawnService(binary, args, { cwd: dir });
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    await waitForPing(port, options.password, startTimeoutMs, () =>
      started.exitCode !== null
        ? `redis-server exited with ${started.exitCode}: ${output}`
        : undefined,
    );
  }

  await start();
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    host: '127.0.0.1',
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid,
    stop: async () => {
      if (child !== undefined) await stopProcess(child);
    },
    kill: async () => {
      if (child !== undefined) await stopProcess(child, 0);
    },
    start,
    restart: async () => {
      if (child !== undefined) await stopProcess(child);
      await start();
    },
  };
}

/** Resolves once `PING` on 127.0.0.1:port answers `+PONG` (or an auth error means it is up). */
export async function waitForPing(
  port: number,
  password: string | undefined,
  timeoutMs: number,
  failure: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const failed = failure();
    if (failed !== undefined) throw new Error(failed);
    try {
      const reply = await sendRaw(
        port,
        password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`,
      );
      if (reply.includes('+PONG')) return;
      lastError = reply.trim();
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms: ${lastError}`,
  );
}

function sendRaw(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = '';
    socket.setTimeout(1000);
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('+PONG') || data.startsWith('-')) socket.end();
    });
    socket.once('close', () => resolve(data));
    socket.connect(port, '127.0.0.1', () => socket.write(payload));
  });
}
