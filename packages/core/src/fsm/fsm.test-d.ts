import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineFlow, type StateOf } from './define-flow';
import { createConversationRunner } from './runner';

const flow = defineFlow({
  id: 'order',
  initial: 'pick',
  states: {
    pick: {
      data: z.object({ items: z.array(z.string()) }),
      on: {
        next: {
          target: 'pay',
          guard: ({ data }) => {
            expectTypeOf(data).toEqualTypeOf<{ items: string[] }>();
            return data.items.length > 0;
          },
        },
      },
      onEnter: ({ data }) => {
        expectTypeOf(data.items).toEqualTypeOf<string[]>();
      },
    },
    pay: {
      data: z.object({ items: z.array(z.string()), total: z.number() }),
      on: { paid: 'done' },
    },
    done: { final: true },
  },
});

test('state names are inferred from the states object', () => {
  expectTypeOf<StateOf<typeof flow>>().toEqualTypeOf<'pick' | 'pay' | 'done'>();
});

test('a transition to a state that does not exist is a type error', () => {
  defineFlow({
    id: 'bad',
    initial: 'a',
    states: {
      // @ts-expect-error `nowhere` is not a state
      a: { on: { go: 'nowhere' } },
      b: {},
    },
  });
  defineFlow({
    id: 'bad',
    initial: 'a',
    states: {
      // @ts-expect-error `missing` is not a state
      a: { on: { go: { target: 'missing' } } },
    },
  });
  defineFlow({
    id: 'bad',
    // @ts-expect-error `zzz` is not a state
    initial: 'zzz',
    states: { a: {} },
  });
});

test('runner snapshots narrow data by state', async () => {
  const runner = createConversationRunner({ flow });
  const snapshot = await runner.get('{c:1}');
  if (snapshot?.state === 'pay') {
    expectTypeOf(snapshot.data).toEqualTypeOf<{ items: string[]; total: number }>();
  }
});
