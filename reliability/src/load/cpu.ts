/**
 * CPU time from /proc (Linux): per process and for the whole machine, so a
 * level can say which process ran out of CPU, and how much went to processes
 * outside the run (the machine is shared).
 */
import { readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/<pid>/stat and /proc/stat times on Linux.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) `pid` has used; 0 when it cannot be read. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), which ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...values] = line.trim().split(/\s+/);
    const ticks = values.slice(0, 8).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return (ticks.reduce((sum, v) => sum + v, 0) - idle) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU use of the processes of a run between `start()` and `stop()`, in cores (1 = one core busy). */
export interface CpuWindow {
  stop(): {
    readonly stack: number;
    readonly generator: number;
    readonly redis: number;
    readonly other: number;
  };
}

/** Starts measuring; `stackPid` is the system under load, `redisPid` the shared redis-server. */
export function startCpuWindow(
  stackPid: number | undefined,
  redisPid: number | undefined,
): CpuWindow {
  const started = performance.now();
  const before = {
    stack: processCpuSeconds(stackPid),
    generator: processCpuSeconds(process.pid),
    redis: processCpuSeconds(redisPid),
    machine: machineBusySeconds(),
  };
  return {
    stop() {
      const wall = (performance.now() - started) / 1000;
      const stack = (processCpuSeconds(stackPid) - before.stack) / wall;
      const generator = (processCpuSeconds(process.pid) - before.generator) / wall;
      const redis = (processCpuSeconds(redisPid) - before.redis) / wall;
      const machine = (machineBusySeconds() - before.machine) / wall;
      return { stack, generator, redis, other: Math.max(0, machine - stack - generator - redis) };
    },
  };
}
