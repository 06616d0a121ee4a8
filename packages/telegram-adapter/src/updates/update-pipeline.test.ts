import { CHANNELS, subscribe } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { createTestClock, settle } from '../testing/test-clock';
import { createUpdateFactory } from '../testing/update-factory';
import { createMemoryDedupStore } from './dedup';
import { createUpdatePipeline } from './update-pipeline';

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

  it('counts a throwing handler as failed and does not reject', async () => {
    const pipeline = createUpdatePipeline({
      handler: async () => {
        throw new Error('boom');
      },
    });
    expect(await pipeline.process(createUpdateFactory().text('x'), 'queue')).toBe('failed');
  });
});
