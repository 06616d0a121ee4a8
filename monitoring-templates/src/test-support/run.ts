/** Runs an installed program (found with `requireBinary`) and collects its output. */
import { execFile } from 'node:child_process';
import { requireBinary } from '@portcullis/testkit';

/** Exit code and output of one run. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `program args…` in `cwd`; never throws on a non-zero exit. */
export function run(program: string, args: readonly string[], cwd?: string): Promise<RunResult> {
  const path = requireBinary(program);
  return new Promise((resolve) => {
    execFile(path, [...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
