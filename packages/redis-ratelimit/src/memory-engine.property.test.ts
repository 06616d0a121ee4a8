import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryEngine } from './memory-engine';
import { drive, policyArbitrary, stepsArbitrary } from './property-support';

describe('memory engine against the reference model', () => {
  it('makes exactly the decisions of the reference model for random streams and clock steps', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, stepsArbitrary, async (policy, steps) => {
        const clock = { now: 1_000_000 };
        const engine = createMemoryEngine({ clock: () => clock.now });
        for (const { engine: got, model } of await drive(engine, clock, policy, 'subject', steps)) {
          expect(got).toEqual(model);
        }
      }),
      { numRuns: 400 },
    );
  }, 20_000);

  it('admits a denied request exactly retryAfterMs later, and not 1 ms earlier, when nothing else happens', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, stepsArbitrary, async (policy, steps) => {
        const clock = { now: 1_000_000 };
        const engine = createMemoryEngine({ clock: () => clock.now });
        await drive(engine, clock, policy, 'subject', steps);
        const cost = Math.min(2, policy.maxCost);
        const probe = await engine.decide(policy, 'subject', 'peek', cost);
        if (probe.allowed) return;
        const wait = probe.retryAfterMs;
        expect(wait).toBeGreaterThan(0);
        clock.now += wait - 1;
        expect((await engine.decide(policy, 'subject', 'peek', cost)).allowed).toBe(false);
        clock.now += 1;
        expect((await engine.decide(policy, 'subject', 'peek', cost)).allowed).toBe(true);
      }),
      { numRuns: 400 },
    );
  }, 20_000);
});
