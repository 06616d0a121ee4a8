import { describe, expect, it } from 'vitest';
import { parseDictionary, StructuredFieldError, serializeInnerList } from './structured-fields';

describe('parseDictionary', () => {
  it('reads inner lists with parameters and byte sequences', () => {
    const dict = parseDictionary('a=("x" "y";p=1);n=-5;s="q\\"t";t=tok;b;d=1.5, c=:AAE=:');
    const a = dict.get('a');
    expect(a?.kind).toBe('inner-list');
    expect(serializeInnerList(a as Extract<typeof a, { kind: 'inner-list' }>)).toBe(
      '("x" "y";p=1);n=-5;s="q\\"t";t=tok;b;d=1.5',
    );
    expect(dict.get('c')).toEqual({
      kind: 'item',
      value: { type: 'bytes', value: new Uint8Array([0, 1]) },
      params: [],
    });
  });

  it('tolerates spaces and tabs around commas', () => {
    expect([...parseDictionary('  a=1 ,\tb=2  ').keys()]).toEqual(['a', 'b']);
  });

  it.each([
    ['duplicate keys', 'a=1, a=2'],
    ['duplicate parameters', 'a=1;p=1;p=2'],
    ['a trailing comma', 'a=1,'],
    ['upper-case keys', 'A=1'],
    ['unterminated strings', 'a="x'],
    ['non-ASCII in strings', 'a="é"'],
    ['bad escapes', 'a="\\n"'],
    ['base64url', 'a=:-_8=:'],
    ['base64 without padding', 'a=:AAE:'],
    ['base64 with non-zero pad bits', 'a=:AAF=:'],
    ['unterminated byte sequences', 'a=:AAE='],
    ['garbage between members', 'a=1 b=2'],
    ['numbers with too many digits', 'a=1234567890123456'],
  ])('refuses %s', (_label, input) => {
    expect(() => parseDictionary(input)).toThrow(StructuredFieldError);
  });
});
