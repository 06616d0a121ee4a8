import { describe, expect, it } from 'vitest';
import { branch, filter, route } from './branching';
import { compose } from './compose';

interface Ctx {
  text?: string;
  log: string[];
}

const mark =
  (label: string) =>
  (c: Ctx): void => {
    c.log.push(label);
  };

describe('filter', () => {
  it('runs its middleware only when the predicate holds, otherwise continues downstream', async () => {
    const run = compose<Ctx>(
      filter(
        (c: Ctx): c is Ctx & { text: string } => c.text !== undefined,
        (c, next) => {
          c.log.push(c.text.toUpperCase());
          return next();
        },
      ),
      mark('end'),
    );
    const withText: Ctx = { text: 'hi', log: [] };
    const without: Ctx = { log: [] };
    await run(withText);
    await run(without);
    expect(withText.log).toEqual(['HI', 'end']);
    expect(without.log).toEqual(['end']);
  });

  it('accepts async predicates', async () => {
    const c: Ctx = { log: [] };
    await compose<Ctx>(
      filter(async () => true, mark('yes')),
      mark('never'),
    )(c);
    expect(c.log).toEqual(['yes']);
  });
});

describe('branch', () => {
  it('runs exactly one side, chosen by the predicate', async () => {
    const run = compose<Ctx>(branch((c) => c.text === 'a', mark('true'), mark('false')));
    const a: Ctx = { text: 'a', log: [] };
    const b: Ctx = { text: 'b', log: [] };
    await run(a);
    await run(b);
    expect([a.log, b.log]).toEqual([['true'], ['false']]);
  });

  it('supports async predicates', async () => {
    const c: Ctx = { log: [] };
    await compose<Ctx>(branch(async () => false, mark('true'), mark('false')))(c);
    expect(c.log).toEqual(['false']);
  });
});

describe('route', () => {
  const run = compose<Ctx>(
    route((c: Ctx) => c.text as 'start' | 'help' | undefined, {
      start: mark('start'),
      help: mark('help'),
    }),
    mark('downstream'),
  );

  it('dispatches on the computed key', async () => {
    const c: Ctx = { text: 'help', log: [] };
    await run(c);
    expect(c.log).toEqual(['help']);
  });

  it('continues downstream for unknown keys, including inherited property names', async () => {
    for (const text of ['nope', '__proto__', 'constructor', undefined]) {
      const c: Ctx = { text, log: [] };
      await run(c);
      expect(c.log).toEqual(['downstream']);
    }
  });

  it('runs the fallback for unknown keys when one is given, with async keys', async () => {
    const c: Ctx = { text: 'x', log: [] };
    await compose<Ctx>(route(async () => c.text as 'a' | undefined, { a: mark('a') }, mark('fb')))(
      c,
    );
    expect(c.log).toEqual(['fb']);
  });

  it('validates its arguments at construction', () => {
    expect(() => route<Ctx, 'a'>('x' as never, {})).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`keyOf\` to be a function, got "string"]`,
    );
  });
});
