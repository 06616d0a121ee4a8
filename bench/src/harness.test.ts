import { describe, expect, it } from 'vitest';
import { formatTable, runSuite } from './harness';

describe('bench harness', () => {
  it('measures every case over several rounds and reports ratios to the reference', async () => {
    let slowCalls = 0;
    const result = await runSuite({
      title: 't',
      rounds: 3,
      roundMs: 20,
      warmupMs: 5,
      cases: [
        { name: 'fast', fn: () => 1 },
        {
          name: 'slow',
          fn: () => {
            for (let i = 0; i < 2000; i++) slowCalls += i;
          },
        },
      ],
    });
    expect(result.results.map((r) => r.rounds.length)).toEqual([3, 3]);
    const [fast, slow] = result.results;
    expect(fast!.ratio).toBe(1);
    expect(slow!.ratio).toBeLessThan(1);
    expect(slow!.min).toBeLessThanOrEqual(slow!.median);
    expect(slow!.median).toBeLessThanOrEqual(slow!.max);
    expect(slowCalls).toBeGreaterThan(0);
    expect(formatTable(result)).toContain('| fast |');
  });

  it('keeps async operations in flight at the requested concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    await runSuite({
      title: 'async',
      rounds: 1,
      roundMs: 30,
      warmupMs: 1,
      concurrency: 8,
      cases: [
        {
          name: 'sleep',
          fn: async () => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            await new Promise((resolve) => setImmediate(resolve));
            inFlight--;
          },
        },
      ],
    });
    expect(peak).toBe(8);
  });
});
