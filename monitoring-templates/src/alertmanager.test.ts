import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECEIVER, RECEIVER_BY_SEVERITY, SEVERITIES } from './alertmanager';
import { OUTPUTS, TEMPLATES_ROOT } from './generate';
import { run } from './test-support/run';

const CONFIG = join(TEMPLATES_ROOT, OUTPUTS.alertmanager);

describe('Alertmanager configuration', { timeout: 20_000 }, () => {
  it('passes amtool check-config, with one inhibition rule', async () => {
    const result = await run('amtool', ['check-config', CONFIG]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.stdout).toContain('1 inhibit rules');
  });

  it.each(SEVERITIES)(
    'routes severity=%s to its receiver (amtool config routes test)',
    async (severity) => {
      const result = await run('amtool', [
        'config',
        'routes',
        'test',
        `--config.file=${CONFIG}`,
        `--verify.receivers=${RECEIVER_BY_SEVERITY[severity]}`,
        'alertname=Example',
        `severity=${severity}`,
        'family=errors',
      ]);
      expect(result.stdout.trim()).toBe(RECEIVER_BY_SEVERITY[severity]);
      expect(result.code).toBe(0);
    },
  );

  it('routes an alert without a known severity to the default receiver', async () => {
    const result = await run('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${CONFIG}`,
      'alertname=Example',
    ]);
    expect(result.stdout.trim()).toBe(DEFAULT_RECEIVER);
  });

  it('reports a wrong receiver (the route test can fail)', async () => {
    const result = await run('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${CONFIG}`,
      `--verify.receivers=${RECEIVER_BY_SEVERITY.warning}`,
      'severity=critical',
    ]);
    expect(result.code).not.toBe(0);
  });
});
