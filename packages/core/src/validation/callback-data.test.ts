import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPortcullisError } from '../errors/portcullis-error';
import { CALLBACK_DATA_MAX_BYTES, decodeCallbackData, encodeCallbackData } from './callback-data';

describe('callback data', () => {
  it('encodes an action and arguments, escaping only : and %', () => {
    expect(encodeCallbackData('approve', [42, 'page:2', '100%', true])).toBe(
      'approve:42:page%3A2:100%25:true',
    );
    expect(decodeCallbackData('approve:42:page%3A2:100%25:true')).toEqual({
      action: 'approve',
      args: ['42', 'page:2', '100%', 'true'],
    });
    expect(decodeCallbackData('menu')).toEqual({ action: 'menu', args: [] });
  });

  it('refuses to encode more than 64 UTF-8 bytes with callback_data_too_long', () => {
    expect(encodeCallbackData('a', ['x'.repeat(62)])).toHaveLength(64);
    let error: unknown;
    try {
      encodeCallbackData('a', ['ж'.repeat(32)]);
    } catch (caught) {
      error = caught;
    }
    expect(isPortcullisError(error, 'callback_data_too_long')).toBe(true);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Callback data for a is 66 bytes; Telegram allows at most 64"`,
    );
  });

  it('refuses malformed or oversized data from clients with typed errors', () => {
    const codeOf = (data: unknown) => {
      try {
        decodeCallbackData(data);
        return 'ok';
      } catch (error) {
        return isPortcullisError(error) ? error.code : 'untyped';
      }
    };
    expect(codeOf('x'.repeat(65))).toBe('callback_data_too_long');
    expect(codeOf('a:'.padEnd(40, 'ж'))).toBe('callback_data_too_long');
    for (const bad of ['', ':x', 'a b', 'act:%zz', 'act:%3', 42, null]) {
      expect(codeOf(bad)).toBe('callback_data_malformed');
    }
  });

  it('round-trips any arguments that fit, and fails only with typed errors otherwise', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,32}$/),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        (action, args) => {
          let encoded: string;
          try {
            encoded = encodeCallbackData(action, args);
          } catch (error) {
            expect(isPortcullisError(error, 'callback_data_too_long')).toBe(true);
            return;
          }
          expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
          expect(decodeCallbackData(encoded)).toEqual({ action, args });
        },
      ),
    );
  });

  it('validates the action name when encoding', () => {
    expect(() => encodeCallbackData('has space')).toThrow(TypeError);
  });
});
