import { describe, expect, it } from 'vitest';
import { createTestClock } from '../testing/test-clock';
import { keepClaim } from './claim-keeper';
import type { DedupStore } from './dedup';

function store(renewals: Array<boolean | Error>): DedupStore & { calls: number } {
  const fake = {
    calls: 0,
    leaseMs: 3000,
    claim: async () => 'claimed' as const,
    complete: async () => {},
    release: async () => {},
    async renew() {
      const next = renewals[fake.calls++] ?? true;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return fake;
}

describe('claim keeper', () => {
  it('renews every third of the lease until stopped', async () => {
    const clock = createTestClock();
    const dedup = store([]);
    const kept = keepClaim(dedup, 1, clock);
    await clock.advanceAsync(3000, 500);
    expect(dedup.calls).toBe(3);
    kept.stop();
    await clock.advanceAsync(3000, 500);
    expect(dedup.calls).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries after a failed renewal and marks the claim lost only when the store says it lapsed', async () => {
    const clock = createTestClock();
    const dedup = store([new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), false]);
    const kept = keepClaim(dedup, 1, clock);
    await clock.advanceAsync(2000, 500);
    expect(kept.lost).toBe(false);
    await clock.advanceAsync(1000, 500);
    expect(kept.lost).toBe(true);
    kept.stop();
  });

  it('leaves a store without renew alone', async () => {
    const clock = createTestClock();
    const { renew: _, ...plain } = store([]);
    keepClaim(plain, 1, clock);
    expect(clock.pendingTimers).toBe(0);
  });
});
