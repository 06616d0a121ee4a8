import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFlow } from './define-flow';

describe('defineFlow', () => {
  it('returns a frozen flow with the default 30-minute idle timeout', () => {
    const flow = defineFlow({ id: 'f', initial: 'a', states: { a: { on: { go: 'b' } }, b: {} } });
    expect(flow.idleTimeoutMs).toBe(1_800_000);
    expect(Object.isFrozen(flow)).toBe(true);
  });

  it('rejects at runtime what TypeScript rejects at compile time, for JavaScript callers', () => {
    const define = defineFlow as (definition: unknown) => unknown;
    expect(() =>
      define({ id: 'f', initial: 'a', states: { a: { on: { go: 'nowhere' } } } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`states.a.on.go\` to be a state of f, got "nowhere"]`,
    );
    expect(() => define({ id: 'f', initial: 'x', states: { a: {} } })).toThrow(/`initial`/);
    expect(() => define({ id: 'f', initial: 'a', states: {} })).toThrow(/`states`/);
    expect(() => define({ id: 'bad id!', initial: 'a', states: { a: {} } })).toThrow(/`id`/);
    expect(() => define({ id: 'f', initial: 'a', states: { a: { data: {} } } })).toThrow(
      /zod schema/,
    );
    expect(() =>
      define({ id: 'f', initial: 'a', idleTimeoutMs: 0, states: { a: { data: z.string() } } }),
    ).toThrow(/`idleTimeoutMs`/);
  });
});
