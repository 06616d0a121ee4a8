import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExpiryHeap } from './expiry-heap';

describe('createExpiryHeap', () => {
  it('is empty at first: no earliest expiry, nothing to shift', () => {
    const heap = createExpiryHeap();
    expect(heap.size).toBe(0);
    expect(heap.earliest()).toBe(Number.POSITIVE_INFINITY);
    expect(heap.shift()).toBeUndefined();
  });

  it('shifts keys earliest expiry first, whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (expiries) => {
        const heap = createExpiryHeap();
        for (const [i, expiresAt] of expiries.entries()) heap.push(`k${i}`, expiresAt);
        expect(heap.size).toBe(expiries.length);
        const shifted: number[] = [];
        while (heap.size > 0) {
          const earliest = heap.earliest();
          const key = heap.shift()!;
          expect(expiries[Number(key.slice(1))]).toBe(earliest);
          shifted.push(earliest);
        }
        expect(shifted).toEqual([...expiries].sort((a, b) => a - b));
      }),
    );
  });

  it('keeps its order when pushes and shifts interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }), {
          maxLength: 300,
        }),
        (ops) => {
          const heap = createExpiryHeap();
          const model: number[] = [];
          for (const op of ops) {
            if (op === undefined) {
              model.sort((a, b) => a - b);
              expect(heap.earliest()).toBe(model[0] ?? Number.POSITIVE_INFINITY);
              heap.shift();
              model.shift();
            } else {
              heap.push('k', op);
              model.push(op);
            }
            expect(heap.size).toBe(model.length);
          }
        },
      ),
    );
  });
});
