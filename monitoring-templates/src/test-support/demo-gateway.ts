/**
 * The reference gateway running its embedded demo (`main.ts demo --serve`) in
 * a child process, so its registry sees only its own events: the real metrics
 * an operator's Prometheus would scrape.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnService, stopProcess } from '@portcullis/testkit';

const GATEWAY_DIR = resolve(import.meta.dirname, '../../../examples/gateway');

/** A running demo gateway. */
export interface DemoGateway {
  /** `host:port` of its HTTP server, as a Prometheus target. */
  readonly target: string;
  /** Resolves with the transcript once the scripted scenario has finished. */
  readonly finished: Promise<string>;
  /** SIGTERM: the demo stops its whole stack and exits. */
  stop(): Promise<void>;
}

/** Spawns the demo and resolves as soon as it prints the gateway's address. */
export async function startDemoGateway(timeoutMs = 30_000): Promise<DemoGateway> {
  const child: ChildProcess = spawnService(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'demo', '--serve'],
    { cwd: GATEWAY_DIR, env: { PATH: process.env.PATH ?? '' } },
  );
  let transcript = '';
  let finish: (text: string) => void = () => undefined;
  const finished = new Promise<string>((done) => {
    finish = done;
  });
  const target = await new Promise<string>((found, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the demo printed no gateway address:\n${transcript}`)),
      timeoutMs,
    );
    const read = (chunk: Buffer) => {
      transcript += chunk.toString();
      const address = /Gateway on http:\/\/([\d.]+:\d+)/.exec(transcript);
      if (address) {
        clearTimeout(timer);
        found(address[1]!);
      }
      if (/steps behaved as expected/.test(transcript)) finish(transcript);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the demo exited (${code}):\n${transcript}`));
      finish(transcript);
    });
  });
  return { target, finished, stop: () => stopProcess(child, 10_000) };
}
