import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { TEMPLATES_ROOT } from '../generate';
import { portcullisSchema, SLO, THRESHOLDS } from '../settings';
import { run } from '../test-support/run';
import { percent } from './alert-model';
import { buildRuleSet, RULE_FILES } from './rule-files';
import { RUNBOOKS } from './runbooks';

const PROMETHEUS_DIR = join(TEMPLATES_ROOT, 'generated/prometheus');
const rules = buildRuleSet(portcullisSchema());
const byName = new Map(rules.definitions.map((definition) => [definition.alert, definition]));

const REQUIRED = {
  critical: [
    'CircuitBreakerOpen',
    'CriticalErrorRate',
    'CriticalMemoryUsage',
    'ServiceRequestTimeout',
    'GatewayDown',
    'WebhookFailing',
  ],
  warning: [
    'HighErrorRate',
    'HighMessageLatency',
    'HighServiceErrorRate',
    'ExcessiveRateLimitBlocks',
    'TelegramFloodWait',
    'HighEventLoopLag',
    'RedisErrors',
    'SignatureFailures',
    'OutboundQueueBacklog',
  ],
} as const;

describe('alert rules', () => {
  it.each([
    ...REQUIRED.critical.map((name) => [name, 'critical']),
    ...REQUIRED.warning.map((name) => [name, 'warning']),
  ])('defines %s as %s', (name, severity) => {
    expect(byName.get(name)?.severity).toBe(severity);
  });

  it('gives every alert a severity, a family, a summary, a description and a runbook link', () => {
    const alerting = rules.alerting.groups.flatMap((group) => group.rules);
    expect(alerting.length).toBeGreaterThanOrEqual(15);
    for (const rule of alerting) {
      expect(rule.labels.severity).toMatch(/^(critical|warning)$/);
      expect(rule.labels.family).toMatch(/^[a-z-]+$/);
      expect(rule.annotations.summary?.length).toBeGreaterThan(10);
      expect(rule.annotations.description?.length).toBeGreaterThan(20);
      expect(rule.annotations.runbook_url).toMatch(
        new RegExp(`MONITORING\\.md#${rule.alert.toLowerCase()}$`),
      );
    }
  });

  it('links every runbook anchor to a section of MONITORING.md', () => {
    const headings = readFileSync(join(TEMPLATES_ROOT, 'MONITORING.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) =>
        line
          .replace(/^#+\s*/, '')
          .trim()
          .toLowerCase(),
      );
    for (const definition of rules.definitions) {
      expect(headings).toContain(definition.alert.toLowerCase());
    }
  });

  it('quotes in MONITORING.md the SLO targets and traffic guard the rules use', () => {
    const doc = readFileSync(join(TEMPLATES_ROOT, 'MONITORING.md'), 'utf8');
    expect(doc).toContain(`SLOs: ${percent(SLO.updateSuccess)} of updates`);
    expect(doc).toContain(`${percent(SLO.serviceSuccess)} of each\nbackend`);
    expect(doc).toContain(`more than ${THRESHOLDS.minRequestsPerSecond} request/s`);
  });

  it('has runbook guidance for exactly the alerts it defines', () => {
    expect(Object.keys(RUNBOOKS).sort()).toEqual(rules.definitions.map((d) => d.alert).sort());
  });

  it('has multi-window burn-rate alerts for updates and per backend, with a traffic guard', () => {
    const slo = rules.alerting.groups.find((group) => group.name === 'portcullis.alerts.slo');
    const exprs = slo?.rules.map((rule) => rule.expr) ?? [];
    expect(exprs).toHaveLength(4);
    const fast = exprs.filter((expr) => expr.includes('rate1h >') && expr.includes('rate5m >'));
    const slow = exprs.filter((expr) => expr.includes('rate6h >') && expr.includes('rate30m >'));
    expect(fast).toHaveLength(2);
    expect(slow).toHaveLength(2);
    // 14.4 and 6 times the 0.5% budget of a 99.5% objective.
    expect(fast.every((expr) => expr.includes('> 0.072'))).toBe(true);
    expect(slow.every((expr) => expr.includes('> 0.03'))).toBe(true);
    expect(exprs.every((expr) => /:rate1h > 0\.1$/.test(expr))).toBe(true);
    expect(exprs.some((expr) => expr.startsWith(rules.recorded.serviceErrorRatio['1h']))).toBe(
      true,
    );
  });

  it('has a firing and a quiet promtool case for every alert', () => {
    const tests = rules.unitTests.tests as { name: string; input_series: unknown[] }[];
    for (const definition of rules.definitions) {
      const fires = tests.find((test) => test.name === `${definition.alert} fires`);
      const quiet = tests.find((test) => test.name === `${definition.alert} stays quiet`);
      expect(fires?.input_series.length).toBeGreaterThan(0);
      expect(quiet?.input_series.length).toBeGreaterThan(0);
    }
  });
});

describe('promtool', { timeout: 30_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'portcullis-promtool-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('accepts the recording and alerting rules (promtool check rules)', async () => {
    const result = await run(
      'promtool',
      ['check', 'rules', RULE_FILES.recording, RULE_FILES.alerts],
      PROMETHEUS_DIR,
    );
    const output = result.stdout + result.stderr;
    expect(output).toContain(`SUCCESS: ${rules.definitions.length} rules found`);
    const recorded = rules.recording.groups.flatMap((group) => group.rules).length;
    expect(output).toContain(`SUCCESS: ${recorded} rules found`);
    expect(result.code).toBe(0);
  });

  it('accepts the scrape configuration (promtool check config)', async () => {
    const result = await run('promtool', ['check', 'config', 'prometheus.yml'], PROMETHEUS_DIR);
    expect(result.stderr + result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('passes every alert unit test (promtool test rules)', async () => {
    const result = await run('promtool', ['test', 'rules', RULE_FILES.tests], PROMETHEUS_DIR);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('fails a unit test when an alert would not fire (the harness can fail)', async () => {
    const file = rules.unitTests as {
      rule_files: string[];
      tests: { name: string; input_series: unknown }[];
    };
    const fires = file.tests.find((test) => test.name === 'CriticalErrorRate fires')!;
    const quiet = file.tests.find((test) => test.name === 'CriticalErrorRate stays quiet')!;
    // The quiet input, where the firing case expects an alert.
    const broken = {
      ...file,
      rule_files: file.rule_files.map((path) => join(PROMETHEUS_DIR, 'tests', path)),
      tests: [{ ...fires, input_series: quiet.input_series }],
    };
    const path = join(scratch, 'broken.test.yml');
    writeFileSync(path, stringify(broken));
    const result = await run('promtool', ['test', 'rules', path], scratch);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('alertname: CriticalErrorRate');
  });
});
