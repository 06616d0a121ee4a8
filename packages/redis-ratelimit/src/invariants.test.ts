import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryEngine } from './memory-engine';
import { drive, policyArbitrary, stepsArbitrary } from './property-support';

const noRefunds = stepsArbitrary.map((steps) => steps.filter((step) => step.kind !== 'refund'));

describe('invariants over random request streams', () => {
  it('never admits more than limit + burst × ⌈windowMs / burstWindowMs⌉ in any window-long interval', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, noRefunds, async (policy, steps) => {
        const clock = { now: 1_000_000 };
        const engine = createMemoryEngine({ clock: () => clock.now });
        const admitted = (await drive(engine, clock, policy, 'k', steps))
          .filter((o) => o.step.kind === 'consume' && o.engine.allowed)
          .map((o) => ({ at: o.at, cost: 'cost' in o.step ? o.step.cost : 0 }));
        for (const { at } of admitted) {
          for (const window of policy.windows) {
            const inside = admitted.filter((a) => a.at > at - window.windowMs && a.at <= at);
            const total = inside.reduce((sum, a) => sum + a.cost, 0);
            const burstWindows =
              policy.algorithm === 'gcra' ? 1 : Math.ceil(window.windowMs / policy.burstWindowMs);
            expect(total).toBeLessThanOrEqual(window.limit + policy.burst * burstWindows);
          }
        }
      }),
      { numRuns: 500 },
    );
  }, 20_000);

  it('a denied consume changes no state: peeks before and after it are identical', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArbitrary,
        stepsArbitrary,
        fc.integer({ min: 1, max: 3 }),
        async (raw, steps, cost) => {
          // Blocking deliberately counts denials, so it is left out here.
          const policy = { ...raw, blockAfter: 0, blockMs: 0 };
          const clock = { now: 1_000_000 };
          const engine = createMemoryEngine({ clock: () => clock.now });
          await drive(engine, clock, policy, 'k', steps);
          const c = Math.min(cost, policy.maxCost);
          const before = await engine.decide(policy, 'k', 'peek', c);
          const consumed = await engine.decide(policy, 'k', 'consume', c);
          if (consumed.allowed) return;
          expect(consumed).toEqual(before);
          expect(await engine.decide(policy, 'k', 'peek', c)).toEqual(before);
        },
      ),
      { numRuns: 500 },
    );
  }, 20_000);

  it('the regular allowance of a sliding window never exceeds its limit: remaining stays within [0, limit]', async () => {
    await fc.assert(
      fc.asyncProperty(policyArbitrary, stepsArbitrary, async (policy, steps) => {
        const clock = { now: 1_000_000 };
        const engine = createMemoryEngine({ clock: () => clock.now });
        for (const { engine: d } of await drive(engine, clock, policy, 'k', steps)) {
          d.remaining.forEach((r, i) => {
            expect(r).toBeGreaterThanOrEqual(0);
            expect(r).toBeLessThanOrEqual(policy.windows[i]!.limit);
          });
          expect(d.burstRemaining).toBeGreaterThanOrEqual(0);
          expect(d.burstRemaining).toBeLessThanOrEqual(policy.burst);
        }
      }),
      { numRuns: 300 },
    );
  }, 20_000);
});
