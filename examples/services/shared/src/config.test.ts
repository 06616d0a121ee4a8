import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServiceConfig, ServiceConfigError } from './config';

const SECRET = 's'.repeat(32);

describe('readServiceConfig', () => {
  it('reads defaults, the audience and the signing key', () => {
    expect(readServiceConfig('users', { SIGNING_KEY_ID: 'gw-1', SIGNING_SECRET: SECRET })).toEqual({
      host: '127.0.0.1',
      port: 8080,
      audience: 'users-service',
      keys: [{ id: 'gw-1', secret: SECRET }],
    });
  });

  it('accepts the previous key as verify-only during a rotation, and secrets from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-config-'));
    writeFileSync(join(dir, 'secret'), `${'n'.repeat(40)}\n`);
    const config = readServiceConfig('users', {
      PORT: '9000',
      SIGNING_KEY_ID: 'gw-2',
      SIGNING_SECRET: '',
      SIGNING_SECRET_FILE: join(dir, 'secret'),
      SIGNING_PREVIOUS_KEY_ID: 'gw-1',
      SIGNING_PREVIOUS_SECRET: SECRET,
    });
    expect(config.port).toBe(9000);
    expect(config.keys).toEqual([
      { id: 'gw-2', secret: 'n'.repeat(40) },
      { id: 'gw-1', secret: SECRET, status: 'verify-only' },
    ]);
  });

  it('names every bad or missing variable without printing a secret', () => {
    let error: unknown;
    try {
      readServiceConfig('users', { PORT: 'x', SIGNING_SECRET: 'short-secret-value' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('SIGNING_KEY_ID: is required');
    expect(message).toContain('SIGNING_SECRET: must be at least 32 characters');
    expect(message).not.toContain('short-secret-value');
    expect(() =>
      readServiceConfig('users', {
        SIGNING_KEY_ID: 'a',
        SIGNING_SECRET: SECRET,
        SIGNING_PREVIOUS_KEY_ID: 'b',
      }),
    ).toThrow('set both or neither');
  });
});
