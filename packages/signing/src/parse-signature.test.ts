import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFieldsFast, readFieldsGeneral } from './parse-signature';
import { createSigner } from './signer';

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 12,
});

function signedFields(keyId: string, nonce: string, created: number, withBody: boolean) {
  const signer = createSigner({
    keyId,
    secret: 'x'.repeat(32),
    audience: 'users',
    now: () => created * 1000,
    nonce: () => nonce,
  });
  const body = withBody ? new Uint8Array([1]) : undefined;
  const headers: Record<string, string> = withBody ? { 'content-type': 'text/plain' } : {};
  const added = signer.sign({ method: 'POST', url: '/x', headers, body });
  return { input: added['Signature-Input']!, signature: added.Signature! };
}

describe('the fast path for canonical signatures', () => {
  it('takes the signer’s own output', () => {
    const { input, signature } = signedFields('gw-1', 'abc', 1_767_225_600, true);
    expect(readFieldsFast(input, signature)).toBeDefined();
  });

  it('reads exactly what the general parser reads, for any signer output', () => {
    fc.assert(
      fc.property(
        printable,
        printable,
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.boolean(),
        (keyId, nonce, created, withBody) => {
          const { input, signature } = signedFields(keyId, nonce, created, withBody);
          expect(readFieldsGeneral(input, signature)).toEqual(
            readFieldsFast(input, signature) ?? readFieldsGeneral(input, signature),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never accepts a changed header the general parser reads differently or refuses', () => {
    fc.assert(
      fc.property(
        fc.nat(400),
        fc.integer({ min: 0x20, max: 0x7e }),
        fc.boolean(),
        (index, code, onInput) => {
          const { input, signature } = signedFields('gw-1', 'bm9uY2U', 1_767_225_600, true);
          const target = onInput ? input : signature;
          const i = index % target.length;
          const changed = target.slice(0, i) + String.fromCharCode(code) + target.slice(i + 1);
          const [a, b] = onInput ? [changed, signature] : [input, changed];
          const fast = readFieldsFast(a, b);
          if (fast !== undefined) expect(readFieldsGeneral(a, b)).toEqual(fast);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves leading zeros, negative times, extra members and escapes to the general parser', () => {
    const { input, signature } = signedFields('gw-1', 'n', 1_767_225_600, false);
    expect(readFieldsFast(input.replace('created=', 'created=0'), signature)).toBeUndefined();
    expect(
      readFieldsFast(`${input}, other=("@method");created=1;keyid="k";nonce="n"`, signature),
    ).toBeUndefined();
    const escaped = signedFields('gw"1', 'n', 1, false);
    expect(readFieldsFast(escaped.input, escaped.signature)).toBeUndefined();
    expect(readFieldsGeneral(escaped.input, escaped.signature)).toMatchObject({ keyId: 'gw"1' });
  });
});
