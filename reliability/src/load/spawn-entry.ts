/**
 * Runs one entry file of this folder as its own Node process (through tsx),
 * so the system under load never shares an event loop with the load
 * generator, and waits until it answers `/health`.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnService, stopProcess } from '@portcullis/testkit';

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
  const child = spawnService(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, entry)],
    {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...env },
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited: ${output}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopProcess(child, 0);
      throw new Error(`${entry} did not become healthy: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => output, stop: () => stopProcess(child, 5000) };
}
