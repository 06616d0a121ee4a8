/**
 * A soak: one steady load level held for minutes while the stack's memory is
 * sampled, to see whether it levels off or keeps growing.
 */
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
  const samples: TimedSample[] = [];
  const started = Date.now();
  const sample = async () => {
    const memory = await stack.memory().catch(() => undefined);
    if (memory) samples.push({ ...memory, atSeconds: (Date.now() - started) / 1000 });
  };
  const timer = setInterval(() => void sample(), options.sampleEveryMs);
  try {
    const load = await runLevel(world, stack, source, options);
    return { load, samples, growth: memoryGrowth(samples) };
  } finally {
    clearInterval(timer);
  }
}
