import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPortcullisError } from '../errors/portcullis-error';
import { resolveInside, safeFilename, safePathSegment } from './paths';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return isPortcullisError(error) ? error.code : 'untyped';
  }
}

describe('safePathSegment', () => {
  it('percent-encodes a harmless segment for use in a URL path', () => {
    expect(safePathSegment('user 42?x')).toBe('user%2042%3Fx');
    expect(safePathSegment(42)).toBe('42');
  });

  it('refuses dot segments, slashes, control characters and overlong input with unsafe_path', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\u0000b', 'a\nb', 'x'.repeat(256)]) {
      expect(
        codeOf(() => safePathSegment(bad)),
        JSON.stringify(bad),
      ).toBe('unsafe_path');
    }
  });
});

describe('safeFilename', () => {
  it('replaces forbidden characters and strips leading dots and trailing dots or spaces', () => {
    expect(safeFilename('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFilename('..hidden')).toBe('hidden');
    expect(safeFilename('report?.pdf. ')).toBe('report_.pdf');
    expect(safeFilename('a<b>c:d"e|f*g\u0001.txt')).toBe('a_b_c_d_e_f_g_.txt');
  });

  it('prefixes Windows device names and keeps the extension when shortening', () => {
    expect(safeFilename('CON.txt')).toBe('_CON.txt');
    expect(safeFilename('lpt1')).toBe('_lpt1');
    const long = safeFilename(`${'я'.repeat(200)}.jpeg`, { maxBytes: 64 });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(long.endsWith('.jpeg')).toBe(true);
  });

  it('refuses a name with nothing usable left', () => {
    for (const bad of ['', '...', ' . ', '///']) {
      expect(
        codeOf(() => safeFilename(bad)),
        bad,
      ).toBe('unsafe_path');
    }
  });
});

describe('resolveInside', () => {
  const root = resolve('/srv/uploads');

  it('joins segments that stay inside the root', () => {
    expect(resolveInside(root, 'a', 'b.txt')).toBe(join(root, 'a', 'b.txt'));
    expect(resolveInside(root, 'a/../b')).toBe(join(root, 'b'));
  });

  it('refuses any result outside the root, including sibling prefixes', () => {
    expect(codeOf(() => resolveInside(root, '../../etc/passwd'))).toBe('unsafe_path');
    expect(codeOf(() => resolveInside(root, '/etc/passwd'))).toBe('unsafe_path');
    expect(codeOf(() => resolveInside(root, '../uploads-evil/x'))).toBe('unsafe_path');
    expect(codeOf(() => resolveInside(root, 'a\u0000b'))).toBe('unsafe_path');
  });
});
