/**
 * A soak: one steady load level held for minutes while the stack's memory is
 * sampled, to see whether it levels off or keeps growing.
 */
import { GC_SIGNAL } from './gc-signal';
import { type LevelResult, runLevel } from './measure';
import type { UpdateSource } from './scenario';
import type { LoadWorld, MemorySample, Stack } from './stacks';

/** One memory sample, seconds into the soak. */
export interface TimedSample extends MemorySample {
  readonly atSeconds: number;
}

/** Mean memory of the first and last third of the samples. */
export interface MemoryGrowth {
  readonly firstRssMb: number;
  readonly lastRssMb: number;
  readonly firstHeapMb: number;
  readonly lastHeapMb: number;
}

/** What a soak measured. */
export interface SoakResult {
  readonly load: LevelResult;
  /** Memory right after a forced full GC, before and after the soak: what the stack retained. */
  readonly retained: { readonly before: MemorySample; readonly after: MemorySample } | undefined;
  readonly samples: readonly TimedSample[];
  readonly growth: MemoryGrowth;
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly sampleEveryMs: number;
}

const MB = 1024 * 1024;
const mean = (values: readonly number[]) =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** First-third and last-third means of `samples`, in MiB. */
export function memoryGrowth(samples: readonly MemorySample[]): MemoryGrowth {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  return {
    firstRssMb: mean(first.map((s) => s.rssBytes)) / MB,
    lastRssMb: mean(last.map((s) => s.rssBytes)) / MB,
    firstHeapMb: mean(first.map((s) => s.heapUsedBytes)) / MB,
    lastHeapMb: mean(last.map((s) => s.heapUsedBytes)) / MB,
  };
}

/** Holds `connections` for `durationSeconds`, sampling `stack.memory()` meanwhile. */
export async function runSoak(
  world: LoadWorld,
  stack: Stack,
  source: UpdateSource,
  options: SoakOptions,
): Promise<SoakResult> {
  const before = await retainedMemory(stack);
  const samples: TimedSample[] = [];
  const started = Date.now();
  const sample = async () => {
    const memory = await stack.memory().catch(() => undefined);
    if (memory) samples.push({ ...memory, atSeconds: (Date.now() - started) / 1000 });
  };
  const timer = setInterval(() => void sample(), options.sampleEveryMs);
  try {
    const load = await runLevel(world, stack, source, options);
    clearInterval(timer);
    // Let the last updates finish (and their timers run) before collecting.
    await sleep(1000);
    const after = await retainedMemory(stack);
    const retained = before && after ? { before, after } : undefined;
    return { load, retained, samples, growth: memoryGrowth(samples) };
  } finally {
    clearInterval(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Forces a full GC in the stack (see `gc-signal.ts`), then samples it; `undefined` when it cannot. */
async function retainedMemory(stack: Stack): Promise<MemorySample | undefined> {
  if (stack.pid === undefined) return undefined;
  try {
    process.kill(stack.pid, GC_SIGNAL);
    await sleep(500);
    return await stack.memory();
  } catch {
    return undefined;
  }
}
