import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, scrape } from '../harness/http';
import { runPlan } from './plan';
import { type LoadWorld, type LoadWorldOptions, startLoadWorld } from './stacks';

/** The quick scenario on one world: a few seconds per stack, every check of a full run. */
function smokeTest(options: LoadWorldOptions): void {
  let world: LoadWorld;

  beforeAll(async () => {
    world = await startLoadWorld(options);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('both stacks answer every update 2xx, call their signed backend and reply', async () => {
    const { levels } = await runPlan(world, {
      levels: [4],
      levelSeconds: 2,
      warmupSeconds: 1,
      shipped: undefined,
      soak: undefined,
    });
    expect(levels.map((l) => l.stack)).toEqual(['portcullis', 'baseline']);
    for (const level of levels) {
      const context = `${level.stack}: ${JSON.stringify(level)}`;
      expect(level.ok, context).toBeGreaterThan(50);
      // Well above the production guards (30 replies/s, 100 webhooks/s): the
      // load must measure the path, not a limit that was meant to stay on.
      expect(level.throughput, context).toBeGreaterThan(100);
      expect(level.non2xx, context).toBe(0);
      expect(level.errors, context).toBe(0);
      // Half the updates are /shifts: each one is a verified backend call.
      expect(level.backendServed, context).toBeGreaterThanOrEqual(Math.floor(level.ok / 2) - 1);
      expect(level.backendRefused, context).toBe(0);
      expect(level.replies, context).toBeGreaterThanOrEqual(level.ok);
    }
    // The gateway talked to Redis only if it was meant to.
    const gatewayUrl = world.portcullis.webhookUrl.replace(/^(https?:\/\/[^/]+).*$/, '$1');
    const redisCommands = metric(await scrape(gatewayUrl), 'portcullis_redis_commands_total');
    if (options.embedded) expect(redisCommands).toBe(0);
    else expect(redisCommands).toBeGreaterThan(levels[0]!.ok);
  });
}

describe('load smoke (the quick scenario, Portcullis on Redis)', () => {
  smokeTest({});
});

// `pnpm load --embedded`: the memory stores under the same load.
describe('load smoke (the quick scenario, Portcullis embedded on its memory stores)', () => {
  smokeTest({ embedded: true });
});
