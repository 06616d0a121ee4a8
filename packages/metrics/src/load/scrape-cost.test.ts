import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeRegistry } from '../exposition/serialize';
import { type Instrumentation, instrument } from '../instrument/instrument';
import { publishRealisticLoad } from './realistic-load';

let instrumentation: Instrumentation;
beforeAll(() => {
  instrumentation = instrument();
  publishRealisticLoad();
});
afterAll(() => instrumentation.unsubscribe());

/**
 * Longest gap between event-loop turns while `work` runs, measured with a
 * setImmediate ping (resolution ~µs, unlike monitorEventLoopDelay's timer).
 */
async function longestStall(
  work: () => Promise<unknown>,
): Promise<{ longest: number; turns: number }> {
  let last = performance.now();
  let longest = 0;
  let turns = 0;
  let running = true;
  const ping = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    turns++;
    if (running) setImmediate(ping);
  };
  setImmediate(ping);
  await work();
  running = false;
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { longest, turns };
}

describe('scrape cost', () => {
  it('holds thousands of series for the realistic gateway', async () => {
    const text = await serializeRegistry(instrumentation.metrics.registry, 'prometheus');
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.info(`realistic exposition: ${samples} samples, ${text.length} bytes`);
    expect(samples).toBeGreaterThan(5_000);
  });

  // The bound is generous on purpose: this machine has 2 cores shared with
  // other jobs, so one OS preemption can add ~10 ms to any gap, and the median
  // of 5 scrapes filters that out. Slicing itself is proven in
  // serialize.test.ts; here the realistic exposition (~6,000 samples, ~580 kB)
  // must never hold the loop longer than a 2 ms slice plus one metric family.
  // Measured on the shared machine: median 2.5–4.5 ms.
  it('never stalls the event loop for more than a few ms during a scrape of the full catalog', async () => {
    const registry = instrumentation.metrics.registry;
    const stalls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await longestStall(() => serializeRegistry(registry, 'openmetrics'));
      stalls.push(result.longest);
    }
    stalls.sort((a, b) => a - b);
    const unsliced = await longestStall(() =>
      serializeRegistry(registry, 'prometheus', { sliceMs: Number.POSITIVE_INFINITY }),
    );
    console.info(
      `scrape stalls ms: ${stalls.map((s) => s.toFixed(1)).join(', ')}; unsliced: ${unsliced.longest.toFixed(1)}`,
    );
    expect(stalls[2]).toBeLessThan(15);
  });
});
