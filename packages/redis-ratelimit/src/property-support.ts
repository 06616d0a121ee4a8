/**
 * Arbitraries and the driver shared by the property tests (memory and Redis
 * engines against {@link ReferenceModel}). Not exported from the package.
 */
import fc from 'fast-check';
import type { EngineDecision, EngineOperation, RateLimitEngine } from './engine';
import { definePolicy, type Policy } from './policy';
import { ReferenceModel } from './reference-model';

export type Step =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: EngineOperation; readonly cost: number };

export const policyArbitrary: fc.Arbitrary<Policy> = fc
  .record({
    algorithm: fc.constantFrom('sliding-window' as const, 'gcra' as const),
    windows: fc.uniqueArray(
      fc.record({
        limit: fc.integer({ min: 1, max: 6 }),
        windowMs: fc.constantFrom(1000, 3000, 10_000),
      }),
      { minLength: 1, maxLength: 3, selector: (w) => w.windowMs },
    ),
    burst: fc.integer({ min: 0, max: 3 }),
    burstWindowMs: fc.option(fc.constantFrom(2000, 10_000), { nil: undefined }),
    block: fc.option(
      fc.record({
        blockAfter: fc.integer({ min: 1, max: 3 }),
        blockMs: fc.constantFrom(500, 4000),
      }),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ algorithm, windows, burst, burstWindowMs, block }) =>
    definePolicy({
      name: 'prop',
      algorithm,
      windows: windows.map((w, i) => ({ name: `w${i}`, ...w })),
      burst,
      ...(burstWindowMs === undefined ? {} : { burstWindowMs }),
      ...(block ?? {}),
    }),
  );

export const stepsArbitrary: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('consume' as const),
        cost: fc.integer({ min: 1, max: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('peek' as const),
        cost: fc.integer({ min: 1, max: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('refund' as const),
        cost: fc.integer({ min: 1, max: 2 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        ms: fc.oneof(
          fc.integer({ min: 0, max: 400 }),
          fc.constantFrom(999, 1000, 1001, 2000, 3000, 10_000),
        ),
      }),
    },
  ),
  { minLength: 1, maxLength: 40 },
);

/** One decision the engine made, with the model's answer and the instant. */
export interface Observed {
  readonly at: number;
  readonly step: Step;
  readonly engine: EngineDecision;
  readonly model: EngineDecision;
}

/** Drives `steps` through `engine` (whose clock reads `clock.now`) and the model. */
export async function drive(
  engine: RateLimitEngine,
  clock: { now: number },
  policy: Policy,
  key: string,
  steps: readonly Step[],
): Promise<Observed[]> {
  const model = new ReferenceModel(policy);
  const observed: Observed[] = [];
  for (const step of steps) {
    if (step.kind === 'advance') {
      clock.now += step.ms;
      continue;
    }
    const cost = Math.min(step.cost, policy.maxCost);
    const decision = await engine.decide(policy, key, step.kind, cost);
    observed.push({
      at: clock.now,
      step: { ...step, cost },
      engine: decision,
      model: model.apply(step.kind, clock.now, cost),
    });
  }
  return observed;
}
