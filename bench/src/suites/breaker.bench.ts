import { createCircuitBreaker } from '@portcullis/core';
import { circuitBreaker, handleAll, SamplingBreaker } from 'cockatiel';
import Opossum from 'opossum';
import type { BenchCase, BenchSuite } from '../harness';

const value = Promise.resolve(1);
const ok = () => value;
const failure = new Error('backend down');
const fail = () => Promise.reject(failure);
const noop = () => undefined;
const pass = <T>(v: T) => v;
const rethrow = (error: unknown) => {
  throw error;
};

/**
 * Each contender is configured the same way: a rate-based breaker over a
 * rolling 10 s window (60% failure threshold, so 50% failures keep it closed and
 * every call is really executed and recorded), no per-call timeout (opossum's
 * default 10 s timer per call is switched off: only the breaker is measured).
 * Portcullis by default also times every call for slow-call detection, which
 * neither peer does; the "no slow-call timing" row shows the breaker without it.
 * The "outcome hop" row is the ceiling of any breaker that records outcomes:
 * one `then()` on the call's promise and nothing else.
 */
function contenders(target: (i: number) => Promise<unknown>): BenchCase[] {
  let i = 0;
  const portcullis = createCircuitBreaker({
    name: 'bench',
    window: { type: 'time', sizeMs: 10_000 },
    failureRateThreshold: 60,
    minimumCalls: 20,
  });
  // Same thresholds over the last 100 calls, slow-call detection off: no clock read per call.
  const lean = createCircuitBreaker({
    name: 'bench-lean',
    window: { type: 'count', size: 100 },
    failureRateThreshold: 60,
    minimumCalls: 20,
    slowCallMs: Number.POSITIVE_INFINITY,
  });
  const cockatiel = circuitBreaker(handleAll, {
    halfOpenAfter: 10_000,
    breaker: new SamplingBreaker({ threshold: 0.6, duration: 10_000 }),
  });
  let opossum: Opossum<[number], unknown> | undefined;
  return [
    {
      name: 'no breaker (floor)',
      fn: () => target(i++).catch(noop),
    },
    {
      name: 'outcome hop only (ceiling)',
      fn: () => target(i++).then(pass, rethrow).catch(noop),
    },
    {
      name: 'portcullis breaker',
      fn: () => portcullis.execute(() => target(i++)).catch(noop),
    },
    {
      name: 'portcullis, count window, no slow-call timing',
      fn: () => lean.execute(() => target(i++)).catch(noop),
    },
    {
      name: 'opossum 9',
      setup: () => {
        opossum = new Opossum(target, {
          timeout: false,
          errorThresholdPercentage: 60,
          volumeThreshold: 20,
          rollingCountTimeout: 10_000,
          resetTimeout: 10_000,
        });
      },
      fn: () => opossum!.fire(i++).catch(noop),
      teardown: () => opossum?.shutdown(),
    },
    {
      name: 'cockatiel 3.2.1',
      fn: () => cockatiel.execute(() => target(i++)).catch(noop),
    },
  ];
}

/** Breaker overhead when every call succeeds. */
export const breakerSuccess: BenchSuite = {
  title: 'Circuit breaker, success path',
  reference: 'portcullis breaker',
  note: 'Goal: portcullis at least 2x the faster of opossum and cockatiel (their ratio <= 0.50x).',
  cases: contenders(ok),
};

/** Breaker overhead when half the calls fail (the breaker stays closed and records every outcome). */
export const breakerHalfFailing: BenchSuite = {
  title: 'Circuit breaker, 50% failures',
  reference: 'portcullis breaker',
  note: 'Goal: portcullis never slower than opossum or cockatiel (their ratio <= 1.00x).',
  cases: contenders((i) => (i & 1 ? fail() : ok())),
};
