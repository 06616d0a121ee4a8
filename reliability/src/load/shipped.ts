/**
 * One level against the stock reference gateway (`main.ts` through the
 * harness's `spawnReplica`), every limit as shipped: what a deployment gets
 * from its defaults when offered more than they admit.
 */
import { freePort } from '@portcullis/testkit';
import { spawnReplica } from '../harness/gateway';
import { type LevelOptions, type LevelResult, runLevel } from './measure';
import type { UpdateSource } from './scenario';
import { gatewayMemory, type LoadWorld, stackOf } from './stacks';

/** Starts a stock replica on `world`, runs one level against it, stops it. */
export async function runShipped(
  world: LoadWorld,
  source: UpdateSource,
  options: LevelOptions,
): Promise<LevelResult> {
  const replica = await spawnReplica('shipped', world.gatewayEnv(await freePort()));
  try {
    const stack = stackOf('portcullis-shipped', replica, world.exampleServices, () =>
      gatewayMemory(replica.url),
    );
    return await runLevel(world, stack, source, options);
  } finally {
    await replica.stop();
  }
}
