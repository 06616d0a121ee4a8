import type { MessageEntity } from '@grammyjs/types';
import { isPortcullisError } from '@portcullis/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCallbackData, splitCaption, splitText } from './split';

describe('splitText', () => {
  it('keeps short text in one chunk', () => {
    expect(splitText('hello')).toEqual([{ text: 'hello', entities: [] }]);
  });

  it('cuts at the last line break, then the last space, within the limit', () => {
    expect(splitText('aaa\nbbb ccc', [], 6).map((c) => c.text)).toEqual(['aaa\n', 'bbb ', 'ccc']);
  });

  it('moves a cut before an entity that would be broken', () => {
    const entities: MessageEntity[] = [{ type: 'bold', offset: 4, length: 6 }];
    const chunks = splitText('abc bolded tail', entities, 8);
    expect(chunks[0]).toEqual({ text: 'abc ', entities: [] });
    expect(chunks[1]).toEqual({
      text: 'bolded ',
      entities: [{ type: 'bold', offset: 0, length: 6 }],
    });
  });

  it('never splits a surrogate pair', () => {
    const chunks = splitText('a😀😀😀', [], 2);
    for (const chunk of chunks) expect(chunk.text).toBe(chunk.text.normalize());
    expect(chunks.map((c) => c.text)).toEqual(['a', '😀', '😀', '😀']);
  });

  it('splits captions at 1024', () => {
    expect(splitCaption('x'.repeat(2048)).map((c) => c.text.length)).toEqual([1024, 1024]);
  });

  it('loses nothing: chunks fit the limit, join back to the text and keep every entity character', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300, unit: fc.constantFrom('a', ' ', '\n', 'é', '😀') }),
        fc.integer({ min: 2, max: 50 }),
        fc.array(fc.tuple(fc.nat(300), fc.integer({ min: 1, max: 40 })), { maxLength: 4 }),
        (text, limit, raw) => {
          const entities: MessageEntity[] = raw
            .filter(([offset]) => offset < text.length)
            .map(([offset, length]) => ({
              type: 'bold',
              offset,
              length: Math.min(length, text.length - offset),
            }));
          const chunks = splitText(text, entities, limit);
          expect(chunks.map((c) => c.text).join('')).toBe(text);
          for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(limit);
          const covered = (list: MessageEntity[]) => list.reduce((sum, e) => sum + e.length, 0);
          expect(covered(chunks.flatMap((c) => c.entities))).toBe(covered(entities));
        },
      ),
    );
  });
});

describe('checkCallbackData', () => {
  it('accepts up to 64 bytes and rejects more (counting UTF-8 bytes)', () => {
    expect(checkCallbackData('x'.repeat(64))).toHaveLength(64);
    const error = (() => {
      try {
        checkCallbackData('é'.repeat(33));
      } catch (e) {
        return e;
      }
    })();
    expect(isPortcullisError(error, 'callback_data_too_long')).toBe(true);
    expect((error as Error).message).toBe('Expected callback data of 1–64 bytes, got 66 bytes');
  });
});
