import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from './plan';
import { type LoadWorld, startLoadWorld } from './stacks';

let world: LoadWorld;

beforeAll(async () => {
  world = await startLoadWorld();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('load smoke (the quick scenario, a few seconds per stack)', () => {
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
  });
});
