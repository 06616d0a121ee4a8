import { describe, expect, it } from 'vitest';
import { Lanes } from './lanes';

const entry = (order: number, scope: string, laneIndex: number) => ({ order, scope, laneIndex });

describe('outbound lanes', () => {
  it('says whether a call of a scope waits in the same lane or one served before it', () => {
    const lanes = new Lanes<ReturnType<typeof entry>>(3);
    lanes.push(entry(1, 'a', 1));
    expect(lanes.waitsAhead('a', 0)).toBe(false);
    expect(lanes.waitsAhead('a', 1)).toBe(true);
    expect(lanes.waitsAhead('a', 2)).toBe(true);
    expect(lanes.waitsAhead('b', 2)).toBe(false);
  });

  it('keeps the counts right through retain, unshift, insertByOrder and drain', () => {
    const lanes = new Lanes<ReturnType<typeof entry>>(3);
    for (let order = 1; order <= 6; order++)
      lanes.push(entry(order, order % 2 ? 'odd' : 'even', 2));
    const visited: number[] = [];
    lanes.retain((e) => {
      visited.push(e.order);
      return e.scope === 'odd';
    });
    expect(visited).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lanes.waitsAhead('even', 2)).toBe(false);
    expect(lanes.waitsAhead('odd', 2)).toBe(true);
    lanes.insertByOrder(entry(4, 'even', 2));
    lanes.unshift(entry(0, 'first', 0));
    expect(lanes.drain().map((e) => e.order)).toEqual([0, 1, 3, 4, 5]);
    expect(lanes.waitsAhead('odd', 2)).toBe(false);
  });

  it('visits calls pushed while it runs', () => {
    const lanes = new Lanes<ReturnType<typeof entry>>(1);
    lanes.push(entry(1, 'a', 0));
    const visited: number[] = [];
    lanes.retain((e) => {
      visited.push(e.order);
      if (e.order === 1) lanes.push(entry(2, 'a', 0));
      return false;
    });
    expect(visited).toEqual([1, 2]);
    expect(lanes.waitsAhead('a', 0)).toBe(false);
  });
});
