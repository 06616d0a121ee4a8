/**
 * Runs one entry file of this folder as its own Node process (through tsx),
 * so the system under load never shares an event loop with the load
 * generator, and waits until it answers `/health`.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { stopProcess } from '@portcullis/testkit';
import { spawnHealthy } from '../harness/process';

/** A running entry process. */
export interface EntryProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it wrote, for failure messages. */
  output(): string;
  /** SIGTERM, SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** Spawns `src/load/<entry>` with `env` (plus PATH) and waits for `/health` on `env.PORT`. */
export async function spawnEntry(
  entry: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<EntryProcess> {
  const started = await spawnHealthy({
    name: entry,
    entry: resolve(import.meta.dirname, entry),
    cwd: resolve(import.meta.dirname, '../..'),
    env,
    timeoutMs,
  });
  return { ...started, stop: () => stopProcess(started.child, 5000) };
}
