/**
 * A TypeScript entry file run as its own Node process (through tsx), awaited
 * until it answers `/health`: the way every whole-system test starts the
 * gateway, its replicas and the load test's stacks.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnService, stopProcess } from '@portcullis/testkit';

/** A running entry process. */
export interface HealthyProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it wrote, for failure messages. */
  output(): string;
}

/** Options of {@link spawnHealthy}. */
export interface SpawnHealthyOptions {
  /** Name used in failure messages. */
  readonly name: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Working directory of the process. */
  readonly cwd: string;
  /** Its whole environment (PATH is added); `PORT` is where `/health` is asked. */
  readonly env: Record<string, string>;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Spawns `entry` and resolves once `/health` on `env.PORT` answers 200; rejects with its output otherwise. */
export async function spawnHealthy(options: SpawnHealthyOptions): Promise<HealthyProcess> {
  const { name, env } = options;
  const child = spawnService(process.execPath, ['--import', 'tsx', options.entry], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopProcess(child, 0);
      throw new Error(`${name} did not become healthy: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => output };
}
