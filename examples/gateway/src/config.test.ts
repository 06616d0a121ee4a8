import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from './config';

const token = '123456:AAExampleExampleExampleExampleExample';
const valid = {
  TELEGRAM_BOT_TOKEN: token,
  TELEGRAM_UPDATE_MODE: 'polling',
  SERVICE_USERS_URL: 'http://users:8081',
  SERVICE_REQUESTS_URL: 'http://requests:8082',
  SERVICE_SHIFTS_URL: 'http://shifts:8083',
  SERVICE_ADMIN_URL: 'http://admin:8084',
  SIGNING_KEY_ID: 'gateway-2026-12',
  SIGNING_SECRET: 'x'.repeat(48),
};

function problemsOf(env: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a complete environment and applies documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(8080);
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.ADMIN_USER_IDS).toEqual([]);
    expect(config.SERVICE_TIMEOUT_MS).toBe(3000);
    expect(config.WEBHOOK_RATE_LIMIT_PER_SECOND).toBe(100);
    expect(config.WEBHOOK_RATE_LIMIT_BURST).toBe(50);
    expect(config.WEBHOOK_MAX_IN_FLIGHT).toBe(1000);
    expect(config.TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND).toBe(30);
  });

  it('takes the webhook and outbound limits from the environment, and refuses nonsense', () => {
    const config = loadConfig({
      ...valid,
      WEBHOOK_RATE_LIMIT_PER_SECOND: '400',
      WEBHOOK_RATE_LIMIT_BURST: '0',
      WEBHOOK_MAX_IN_FLIGHT: '50',
      TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND: '100',
    });
    expect(config.WEBHOOK_RATE_LIMIT_PER_SECOND).toBe(400);
    expect(config.WEBHOOK_RATE_LIMIT_BURST).toBe(0);
    expect(config.WEBHOOK_MAX_IN_FLIGHT).toBe(50);
    expect(config.TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND).toBe(100);
    const variables = problemsOf({
      ...valid,
      WEBHOOK_RATE_LIMIT_PER_SECOND: '0',
      WEBHOOK_RATE_LIMIT_BURST: '-1',
      WEBHOOK_MAX_IN_FLIGHT: '0',
      TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND: 'fast',
    }).map((p) => p.variable);
    expect(variables.sort()).toEqual([
      'TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND',
      'WEBHOOK_MAX_IN_FLIGHT',
      'WEBHOOK_RATE_LIMIT_BURST',
      'WEBHOOK_RATE_LIMIT_PER_SECOND',
    ]);
  });

  it('refuses values the packages would refuse at start (exit 78, not a crash)', () => {
    const variables = problemsOf({
      ...valid,
      METRICS_PREFIX: 'portcullis:',
      TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND: '2.5',
    }).map((p) => p.variable);
    expect(variables.sort()).toEqual(['METRICS_PREFIX', 'TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND']);
  });

  it('names every missing variable at once', () => {
    const variables = problemsOf({}).map((p) => p.variable);
    expect(variables).toEqual(
      expect.arrayContaining([
        'TELEGRAM_BOT_TOKEN',
        'SERVICE_USERS_URL',
        'SERVICE_REQUESTS_URL',
        'SERVICE_SHIFTS_URL',
        'SERVICE_ADMIN_URL',
        'SIGNING_KEY_ID',
        'SIGNING_SECRET',
      ]),
    );
    expect(problemsOf({}).find((p) => p.variable === 'SIGNING_SECRET')?.message).toBe(
      'is required',
    );
  });

  it('explains bad values without echoing secrets', () => {
    const secretValue = 'short-secret';
    const problems = problemsOf({
      ...valid,
      SIGNING_SECRET: secretValue,
      PORT: '99999',
      ADMIN_USER_IDS: '1,abc',
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'ADMIN_USER_IDS',
      'PORT',
      'SIGNING_SECRET',
    ]);
    try {
      loadConfig({ ...valid, SIGNING_SECRET: secretValue });
    } catch (error) {
      expect((error as Error).message).toContain('SIGNING_SECRET: must be at least 32 characters');
      expect((error as Error).message).not.toContain(secretValue);
    }
  });

  it('requires the webhook URL and secret in webhook mode', () => {
    const variables = problemsOf({ ...valid, TELEGRAM_UPDATE_MODE: 'webhook' }).map(
      (p) => p.variable,
    );
    expect(variables.sort()).toEqual(['TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_WEBHOOK_URL']);
  });

  it('reads secrets from <NAME>_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
    writeFileSync(join(dir, 'signing'), `${'s'.repeat(40)}\n`);
    const { SIGNING_SECRET: _omit, ...rest } = valid;
    const config = loadConfig({ ...rest, SIGNING_SECRET_FILE: join(dir, 'signing') });
    expect(config.SIGNING_SECRET).toBe('s'.repeat(40));
    expect(problemsOf({ ...rest, SIGNING_SECRET_FILE: join(dir, 'missing') })[0]).toEqual({
      variable: 'SIGNING_SECRET_FILE',
      message: 'cannot be read (ENOENT)',
    });
  });

  it('redacts secrets for logging', () => {
    const redacted = redactConfig(loadConfig(valid));
    expect(redacted.TELEGRAM_BOT_TOKEN).toBe('[redacted]');
    expect(redacted.SIGNING_SECRET).toBe('[redacted]');
    expect(JSON.stringify(redacted)).not.toContain(token);
  });
});
