import { describe, expect, it } from 'vitest';
import { findBinary, MissingBinaryError, requireBinary } from './binaries';

describe('requireBinary', () => {
  it('finds programs on PATH', () => {
    expect(requireBinary('node')).toMatch(/node$/);
  });

  it('fails with an install hint instead of skipping when a program is missing', () => {
    expect(findBinary('portcullis-no-such-program')).toBeUndefined();
    expect(() => requireBinary('portcullis-no-such-program')).toThrow(MissingBinaryError);
    const error = new MissingBinaryError('redis-server');
    expect(error.message).toContain('apt-get install -y redis-server');
  });
});
