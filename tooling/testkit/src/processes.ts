import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every folder a test service writes to lives under this root, with a pid file
 * per process, so a crashed test run can be cleaned up afterwards
 * (`killLeftoverServices`).
 */
export const TESTKIT_ROOT = join(tmpdir(), 'portcullis-testkit');

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // `exit` handlers must be synchronous: SIGKILL is.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A fresh folder for one service, under {@link TESTKIT_ROOT}. */
export function serviceDir(prefix: string): string {
  mkdirSync(TESTKIT_ROOT, { recursive: true });
  return mkdtempSync(join(TESTKIT_ROOT, `${prefix}-`));
}

/** Spawns a service process that is killed when the test process exits. */
export function spawnService(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  installExitHook();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it exited. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Kills every service a previous run left behind (found by pid files under
 * {@link TESTKIT_ROOT}) and removes their folders. Returns how many it killed.
 */
export function killLeftoverServices(): number {
  let killed = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(TESTKIT_ROOT);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const dir = join(TESTKIT_ROOT, entry);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((file) => file.endsWith('.pid'));
    } catch {
      continue;
    }
    for (const file of files) {
      const pid = Number(readFileSync(join(dir, file), 'utf8').trim());
      // pid files are named after the program (`redis-server-6379.pid`): never
      // kill a recycled pid that now belongs to something else.
      const program = file.split('-').slice(0, 2).join('-');
      if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid).includes(program)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed++;
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return killed;
}
