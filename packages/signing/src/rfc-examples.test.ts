import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, contentDigestMatches } from './content-digest';
import { buildSignatureBase } from './profile';
import { parseDictionary, serializeInnerList } from './structured-fields';

// RFC 9421 Appendix B.1.5, the shared secret `test-shared-secret`.
const TEST_SHARED_SECRET = Buffer.from(
  'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==',
  'base64',
);

describe('RFC 9421 Appendix B.2.5 (hmac-sha256)', () => {
  const signatureInput =
    'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"';
  const expectedBase = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@authority": example.com',
    '"content-type": application/json',
    '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
  ].join('\n');

  it('rebuilds the signature base byte for byte from the parsed Signature-Input', () => {
    const member = parseDictionary(signatureInput).get('sig-b25');
    expect(member?.kind).toBe('inner-list');
    const base = buildSignatureBase(
      ['date', '@authority', 'content-type'],
      ['Tue, 20 Apr 2021 02:07:55 GMT', 'example.com', 'application/json'],
      serializeInnerList(member as Extract<typeof member, { kind: 'inner-list' }>),
    );
    expect(base).toBe(expectedBase);
  });

  it('produces the published signature pxcQw6G3…', () => {
    const mac = createHmac('sha256', TEST_SHARED_SECRET).update(expectedBase).digest('base64');
    expect(mac).toBe('pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=');
    const signature = parseDictionary('sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:');
    const item = signature.get('sig-b25');
    expect(item?.kind === 'item' && item.value.type === 'bytes').toBe(true);
  });
});

describe('RFC 9530 Content-Digest', () => {
  const body = new TextEncoder().encode('{"hello": "world"}');

  it('reproduces the published sha-256 and sha-512 digests of {"hello": "world"}', () => {
    expect(contentDigest(body)).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    expect(contentDigest(body, 'sha-512')).toBe(
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    );
  });

  it('accepts a header listing several algorithms when its sha-256 member matches', () => {
    const header = `${contentDigest(body, 'sha-512')}, ${contentDigest(body)}`;
    expect(contentDigestMatches(header, body)).toBe(true);
  });

  it('rejects a digest of other bytes, a header without sha-256 and unparsable headers', () => {
    expect(
      contentDigestMatches(contentDigest(body), new TextEncoder().encode('{"hello":"world"}')),
    ).toBe(false);
    expect(contentDigestMatches(contentDigest(body, 'sha-512'), body)).toBe(false);
    expect(contentDigestMatches('sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=', body)).toBe(
      false,
    );
    expect(contentDigestMatches('sha-256=:X48E9qOo:', body)).toBe(false);
  });
});
