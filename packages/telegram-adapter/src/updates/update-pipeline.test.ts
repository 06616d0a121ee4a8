import { CHANNELS, subscribe } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { createTestClock, settle, type TestClock } from '../testing/test-clock';
import { createUpdateFactory } from '../testing/update-factory';
import { createMemoryDedupStore, type DedupStore } from './dedup';
import { createUpdatePipeline, type UpdatePipeline } from './update-pipeline';

describe('update pipeline', () => {
  it('handles an update once and drops the duplicate', async () => {
    const handled: number[] = [];
    const pipeline = createUpdatePipeline({
      handler: async (u) => void handled.push(u.update_id),
      dedup: createMemoryDedupStore(),
    });
    const update = createUpdateFactory().text('hi');
    expect(await pipeline.process(update, 'webhook')).toBe('handled');
    expect(await pipeline.process(update, 'webhook')).toBe('duplicate');
    expect(handled).toEqual([update.update_id]);
  });

  it('cuts a hanging handler at its deadline without blocking its chat forever', async () => {
    const clock = createTestClock();
    const updates = createUpdateFactory();
    let aborted = false;
    const handled: string[] = [];
    const pipeline = createUpdatePipeline({
      clock,
      handlerTimeoutMs: 5000,
      handler: (u, signal) => {
        if (u.message?.text === 'hang') {
          signal.addEventListener('abort', () => (aborted = true));
          return new Promise(() => {});
        }
        handled.push(u.message!.text!);
        return Promise.resolve();
      },
    });
    const seen: string[] = [];
    const off = subscribe(CHANNELS.updateHandled, (e) => seen.push(e.outcome));
    const hung = pipeline.process(updates.text('hang'), 'polling');
    const next = pipeline.process(updates.text('after'), 'polling');
    await settle();
    expect(handled).toEqual([]);
    clock.advance(5000);
    expect(await hung).toBe('timeout');
    expect(await next).toBe('handled');
    off();
    expect(aborted).toBe(true);
    expect(handled).toEqual(['after']);
    expect(seen).toEqual(['timeout', 'handled']);
    expect(pipeline.lanes).toBe(0);
  });

  it('reports busy, and handles nothing, while another worker holds the claim', async () => {
    const dedup = createMemoryDedupStore();
    const update = createUpdateFactory().text('hi');
    await dedup.claim(update.update_id);
    let calls = 0;
    const pipeline = createUpdatePipeline({ dedup, handler: async () => void calls++ });
    expect(await pipeline.process(update, 'webhook')).toBe('busy');
    expect(calls).toBe(0);
  });

  describe('a claim held while its update waits behind its chat', () => {
    // Two hung updates ahead of `third` keep it 12 s in its chat's lane, longer
    // than the 10 s lease: a lease counted from arrival lapsed at 10 s and a
    // re-delivery was claimed and handled a second time.
    const leaseMs = 10_000;
    const handlerTimeoutMs = 6000;

    function replica(clock: TestClock, dedup: DedupStore, calls: Map<number, number>) {
      return createUpdatePipeline({
        clock,
        dedup,
        handlerTimeoutMs,
        handler: async (u) => {
          calls.set(u.update_id, (calls.get(u.update_id) ?? 0) + 1);
          if (u.message?.text === 'hang') await new Promise(() => {});
        },
      });
    }

    function queueBehindTwoHungUpdates(pipeline: UpdatePipeline) {
      const updates = createUpdateFactory();
      void pipeline.process(updates.text('hang'), 'webhook');
      void pipeline.process(updates.text('hang'), 'webhook');
      const third = updates.text('third');
      return { third, outcome: pipeline.process(third, 'webhook') };
    }

    it('is renewed, so a re-delivery to the same process past the lease is busy, not a second copy', async () => {
      const clock = createTestClock();
      const calls = new Map<number, number>();
      const pipeline = replica(clock, createMemoryDedupStore({ clock, leaseMs }), calls);
      const { third, outcome } = queueBehindTwoHungUpdates(pipeline);
      await clock.advanceAsync(leaseMs + 1, 1000);
      // Telegram re-sends it after a slow answer.
      const again = pipeline.process(third, 'webhook');
      await clock.advanceAsync(2 * handlerTimeoutMs - leaseMs, 1000);
      expect([await outcome, await again]).toEqual(['handled', 'busy']);
      expect(calls.get(third.update_id)).toBe(1);
    });

    it('keeps another replica sharing the store from handling it past the lease', async () => {
      const clock = createTestClock();
      const calls = new Map<number, number>();
      const dedup = createMemoryDedupStore({ clock, leaseMs });
      const a = replica(clock, dedup, calls);
      const b = replica(clock, dedup, calls);
      const { third, outcome } = queueBehindTwoHungUpdates(a);
      await clock.advanceAsync(leaseMs + 1, 1000);
      // The re-send reaches replica b.
      expect(await b.process(third, 'webhook')).toBe('busy');
      await clock.advanceAsync(2 * handlerTimeoutMs - leaseMs, 1000);
      expect(await outcome).toBe('handled');
      expect(calls.get(third.update_id)).toBe(1);
    });

    it('stops being renewed once handled, so the done mark is not touched', async () => {
      const clock = createTestClock();
      const dedup = createMemoryDedupStore({ clock, leaseMs });
      const pipeline = replica(clock, dedup, new Map());
      const update = createUpdateFactory().text('quick');
      expect(await pipeline.process(update, 'polling')).toBe('handled');
      expect(clock.pendingTimers).toBe(0);
      expect(await dedup.claim(update.update_id)).toBe('done');
    });

    it('is claimed again before it runs when a renewal found it lapsed, and yields to the worker that took it', async () => {
      const clock = createTestClock();
      const calls = new Map<number, number>();
      const dedup = createMemoryDedupStore({ clock, leaseMs });
      // The store loses the claim (as Redis would after being unreachable for a lease).
      const lapsing: DedupStore = { ...dedup, renew: async () => false, leaseMs };
      const pipeline = replica(clock, lapsing, calls);
      const { third, outcome } = queueBehindTwoHungUpdates(pipeline);
      await clock.advanceAsync(leaseMs + 1, 1000);
      expect(await dedup.claim(third.update_id)).toBe('claimed'); // another worker
      await clock.advanceAsync(2 * handlerTimeoutMs - leaseMs, 1000);
      expect(await outcome).toBe('busy');
      expect(calls.get(third.update_id)).toBeUndefined();
    });
  });

  it('closes every received event with one handled or duplicate event, so in-flight counts return to zero', async () => {
    const events: string[] = [];
    const offs = [
      subscribe(CHANNELS.updateReceived, (e) => events.push(`received ${e.updateId}`)),
      subscribe(CHANNELS.updateHandled, (e) => events.push(`handled ${e.updateId}`)),
      subscribe(CHANNELS.updateDuplicate, (e) => events.push(`duplicate ${e.updateId}`)),
    ];
    const updates = createUpdateFactory();
    const [held, fresh, failing] = [updates.text('a'), updates.text('b'), updates.text('c')];
    const memory = createMemoryDedupStore();
    await memory.claim(held.update_id); // another worker holds it
    const dedup: DedupStore = {
      ...memory,
      claim: (id) =>
        id === failing.update_id ? Promise.reject(new Error('down')) : memory.claim(id),
      complete: (id) =>
        id === fresh.update_id ? Promise.reject(new Error('down')) : memory.complete(id),
    };
    const pipeline = createUpdatePipeline({ dedup, handler: async () => {} });
    expect(await pipeline.process(held, 'webhook')).toBe('busy');
    await expect(pipeline.process(failing, 'webhook')).rejects.toThrow('down');
    // Handled, though recording it failed: the handled event still closes it.
    expect(await pipeline.process(fresh, 'webhook')).toBe('handled');
    await memory.complete(fresh.update_id);
    expect(await pipeline.process(fresh, 'webhook')).toBe('duplicate');
    for (const off of offs) off();
    expect(events).toEqual([
      `received ${fresh.update_id}`,
      `handled ${fresh.update_id}`,
      `received ${fresh.update_id}`,
      `duplicate ${fresh.update_id}`,
    ]);
    expect(pipeline.inFlight).toBe(0);
  });

  it('acknowledges a handled update whose completion the store failed to record, and keeps its re-delivery out while the claim lasts', async () => {
    const memory = createMemoryDedupStore();
    let failCompletion = true;
    const dedup: DedupStore = {
      claim: (id) => memory.claim(id),
      release: (id) => memory.release(id),
      complete: (id) => {
        if (!failCompletion) return memory.complete(id);
        failCompletion = false;
        return Promise.reject(new Error('Command timed out'));
      },
    };
    const handled: number[] = [];
    const pipeline = createUpdatePipeline({
      dedup,
      handler: async (u) => void handled.push(u.update_id),
    });
    const update = createUpdateFactory().text('hi');
    const errors: unknown[] = [];
    const off = subscribe(CHANNELS.error, (e) => errors.push(e));
    // Rejecting here would make the source re-deliver an update already handled.
    expect(await pipeline.process(update, 'webhook')).toBe('handled');
    expect(await pipeline.process(update, 'webhook')).toBe('busy');
    off();
    expect(handled).toEqual([update.update_id]);
    expect(errors).toEqual([{ code: 'storage_unavailable', where: 'update' }]);
  });

  it('counts a throwing handler as failed and does not reject', async () => {
    const pipeline = createUpdatePipeline({
      handler: async () => {
        throw new Error('boom');
      },
    });
    expect(await pipeline.process(createUpdateFactory().text('x'), 'queue')).toBe('failed');
  });
});
