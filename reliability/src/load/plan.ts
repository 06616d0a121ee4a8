/**
 * What a load run does, in order: a warm-up per stack, every load level
 * alternately on each stack (so drift on a noisy machine hits both alike),
 * then one level against the stock gateway with its shipped limits, then a
 * soak per stack.
 */
import { type LevelOptions, type LevelResult, runLevel } from './measure';
import { createUpdateSource } from './scenario';
import { runShipped } from './shipped';
import { runSoak, type SoakOptions, type SoakResult } from './soak';
import type { LoadWorld } from './stacks';

/** The shape of a run. */
export interface LoadPlan {
  /** Concurrent connections per level, increasing. */
  readonly levels: readonly number[];
  readonly levelSeconds: number;
  /** Discarded load before the levels (JIT, connection pools, Redis scripts). */
  readonly warmupSeconds: number;
  /** One level against the stock gateway, every limit as shipped; `undefined` to skip it. */
  readonly shipped: LevelOptions | undefined;
  /** `undefined` to skip the soak. */
  readonly soak: SoakOptions | undefined;
}

/** The full run: about 7 minutes. */
export const FULL_PLAN: LoadPlan = {
  levels: [1, 4, 16, 64, 128],
  levelSeconds: 10,
  warmupSeconds: 5,
  shipped: { connections: 16, durationSeconds: 10 },
  soak: { connections: 8, durationSeconds: 120, sampleEveryMs: 3000 },
};

/** The smoke run (`--quick`): well under a minute. */
export const QUICK_PLAN: LoadPlan = {
  levels: [1, 8],
  levelSeconds: 3,
  warmupSeconds: 1,
  shipped: undefined,
  soak: { connections: 4, durationSeconds: 9, sampleEveryMs: 1500 },
};

/** Everything a run measured. */
export interface LoadResults {
  readonly levels: readonly LevelResult[];
  readonly shipped: LevelResult | undefined;
  readonly soaks: readonly SoakResult[];
}

/** Runs `plan` on both stacks of `world`; `log` hears progress. */
export async function runPlan(
  world: LoadWorld,
  plan: LoadPlan,
  log: (line: string) => void = () => {},
): Promise<LoadResults> {
  const source = createUpdateSource();
  const stacks = [world.portcullis, world.baseline];
  for (const stack of stacks) {
    log(`warm-up ${stack.name} ${plan.warmupSeconds}s`);
    await runLevel(world, stack, source, { connections: 4, durationSeconds: plan.warmupSeconds });
  }
  const levels: LevelResult[] = [];
  for (const connections of plan.levels) {
    for (const stack of stacks) {
      const result = await runLevel(world, stack, source, {
        connections,
        durationSeconds: plan.levelSeconds,
      });
      log(
        `${stack.name} c=${connections}: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
      levels.push(result);
    }
  }
  let shipped: LevelResult | undefined;
  if (plan.shipped) {
    log(`stock gateway, limits as shipped, c=${plan.shipped.connections}`);
    shipped = await runShipped(world, source, plan.shipped);
    log(`shipped: ${JSON.stringify(shipped.statuses)}`);
  }
  const soaks: SoakResult[] = [];
  if (plan.soak) {
    for (const stack of stacks) {
      log(`soak ${stack.name} c=${plan.soak.connections} ${plan.soak.durationSeconds}s`);
      soaks.push(await runSoak(world, stack, source, plan.soak));
    }
  }
  return { levels, shipped, soaks };
}
