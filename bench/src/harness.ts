import { performance } from 'node:perf_hooks';

/** One contender in a benchmark suite. */
export interface BenchCase {
  /** Shown in the table, e.g. `portcullis breaker` or `opossum`. */
  readonly name: string;
  /**
   * One operation. Return a promise for async work; the harness keeps
   * `concurrency` operations in flight.
   */
  readonly fn: () => unknown;
  /** Runs once before the first round (connect, warm caches). */
  readonly setup?: () => unknown;
  /** Runs once after the last round. */
  readonly teardown?: () => unknown;
}

/** A group of cases measured together and compared with a reference case. */
export interface BenchSuite {
  readonly title: string;
  /** What the figures mean and what the goal is, printed under the table. */
  readonly note?: string;
  /** Name of the case the others are divided by. @default the first case */
  readonly reference?: string;
  readonly cases: readonly BenchCase[];
  /** Operations in flight for async cases. @default 1 */
  readonly concurrency?: number;
  /** Rounds per case; cases are interleaved round by round. @default 7 */
  readonly rounds?: number;
  /** Length of one round. @default 300 */
  readonly roundMs?: number;
  /** Unmeasured warm-up per case. @default 200 */
  readonly warmupMs?: number;
}

/** What one case measured. */
export interface CaseResult {
  readonly name: string;
  /** Operations per second, one figure per round. */
  readonly rounds: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** median / reference median. */
  readonly ratio: number;
}

/** What a suite measured. */
export interface SuiteResult {
  readonly title: string;
  readonly reference: string;
  readonly concurrency: number;
  readonly results: readonly CaseResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[middle]!;
}

async function measure(
  fn: () => unknown,
  durationMs: number,
  concurrency: number,
): Promise<number> {
  const probe = fn();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  let operations = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  if (!isAsync) {
    // Check the clock every 64 calls so timing does not dominate tiny operations.
    while (performance.now() < deadline) {
      for (let i = 0; i < 64; i++) fn();
      operations += 64;
    }
  } else {
    const worker = async () => {
      while (performance.now() < deadline) {
        await fn();
        operations++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  return (operations * 1000) / (performance.now() - started);
}

/** Runs a suite: warm-up, then `rounds` interleaved rounds per case. */
export async function runSuite(suite: BenchSuite): Promise<SuiteResult> {
  const rounds = suite.rounds ?? 7;
  const roundMs = suite.roundMs ?? 300;
  const concurrency = suite.concurrency ?? 1;
  const reference = suite.reference ?? suite.cases[0]!.name;
  const perCase = new Map<string, number[]>(suite.cases.map((c) => [c.name, []]));
  for (const benchCase of suite.cases) await benchCase.setup?.();
  try {
    for (const benchCase of suite.cases)
      await measure(benchCase.fn, suite.warmupMs ?? 200, concurrency);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no case always runs first after GC.
      const order = suite.cases.map((_, i) => suite.cases[(i + round) % suite.cases.length]!);
      for (const benchCase of order) {
        perCase.get(benchCase.name)!.push(await measure(benchCase.fn, roundMs, concurrency));
      }
    }
  } finally {
    for (const benchCase of suite.cases) await benchCase.teardown?.();
  }
  const referenceMedian = median(perCase.get(reference) ?? [1]);
  return {
    title: suite.title,
    reference,
    concurrency,
    results: suite.cases.map(({ name }) => {
      const values = perCase.get(name)!;
      const mid = median(values);
      return {
        name,
        rounds: values,
        median: mid,
        min: Math.min(...values),
        max: Math.max(...values),
        ratio: mid / referenceMedian,
      };
    }),
  };
}

function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** Renders a suite's result as a Markdown table (ops/s medians, min–max, ratio). */
export function formatTable(result: SuiteResult, note?: string): string {
  const lines = [
    `### ${result.title}${result.concurrency > 1 ? ` (concurrency ${result.concurrency})` : ''}`,
    '',
    '| case | median ops/s | min–max | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...result.results.map(
      (r) =>
        `| ${r.name} | ${formatRate(r.median)} | ${formatRate(r.min)}–${formatRate(r.max)} | ${r.ratio.toFixed(2)}x${r.name === result.reference ? ' (ref)' : ''} |`,
    ),
  ];
  if (note) lines.push('', note);
  return lines.join('\n');
}
