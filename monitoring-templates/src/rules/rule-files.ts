/** Assembles the Prometheus rule files and their promtool unit tests. */
import type { MetricSchema } from '../schema';
import {
  type AlertDefinition,
  type AlertingRule,
  renderAnnotation,
  toAlertingRule,
} from './alert-model';
import { criticalAlerts } from './critical-alerts';
import {
  type RecordedNames,
  type RecordingRule,
  type RuleGroup,
  recordingRules,
} from './recording';
import { sloAlerts } from './slo-alerts';
import { warningAlerts } from './warning-alerts';

/** File names of the rule files, relative to the Prometheus configuration. */
export const RULE_FILES = {
  recording: 'rules/portcullis-recording.rules.yml',
  alerts: 'rules/portcullis-alerts.rules.yml',
  tests: 'tests/portcullis-alerts.test.yml',
} as const;

/** Everything rule-related the generator writes and the tests inspect. */
export interface RuleSet {
  readonly recording: { groups: RuleGroup<RecordingRule>[] };
  readonly alerting: { groups: RuleGroup<AlertingRule>[] };
  readonly definitions: readonly AlertDefinition[];
  readonly recorded: RecordedNames;
  /** The `promtool test rules` file: a firing and a quiet case for every alert. */
  readonly unitTests: Record<string, unknown>;
}

/** Builds every rule from the catalog behind `schema`. */
export function buildRuleSet(schema: MetricSchema): RuleSet {
  const { groups, names } = recordingRules(schema);
  const critical = criticalAlerts(schema, names);
  const warning = warningAlerts(schema, names);
  const slo = sloAlerts(schema, names);
  const definitions = [...critical, ...warning, ...slo];
  return {
    recording: { groups },
    alerting: {
      groups: [
        { name: 'portcullis.alerts.critical', rules: critical.map(toAlertingRule) },
        { name: 'portcullis.alerts.warning', rules: warning.map(toAlertingRule) },
        { name: 'portcullis.alerts.slo', rules: slo.map(toAlertingRule) },
      ],
    },
    definitions,
    recorded: names,
    unitTests: unitTestFile(definitions),
  };
}

function unitTestFile(definitions: readonly AlertDefinition[]): Record<string, unknown> {
  const tests = definitions.flatMap((definition) => {
    const rule = toAlertingRule(definition);
    const interval = definition.tests.interval ?? '1m';
    const { evalTime } = definition.tests;
    const fires = (name: string, series: unknown, firingLabels: Record<string, string>) => {
      const labels = { ...rule.labels, ...firingLabels };
      const annotations = Object.fromEntries(
        Object.entries(rule.annotations).map(([key, value]) => [
          key,
          renderAnnotation(value, { ...labels, alertname: definition.alert }),
        ]),
      );
      return {
        name,
        interval,
        input_series: series,
        alert_rule_test: [
          {
            eval_time: evalTime,
            alertname: definition.alert,
            exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
          },
        ],
      };
    };
    return [
      fires(`${definition.alert} fires`, definition.tests.firing, definition.tests.firingLabels),
      ...(definition.tests.alsoFiring ?? []).map((extra) =>
        fires(`${definition.alert} fires when ${extra.why}`, extra.firing, extra.firingLabels),
      ),
      {
        name: `${definition.alert} stays quiet`,
        interval,
        input_series: definition.tests.quiet,
        alert_rule_test: [{ eval_time: evalTime, alertname: definition.alert, exp_alerts: [] }],
      },
    ];
  });
  return {
    rule_files: [`../${RULE_FILES.recording}`, `../${RULE_FILES.alerts}`],
    // Coarser than production (15 s) to keep the suite fast; every `for` is at
    // least 1m, so an alert still goes pending → firing across evaluations.
    evaluation_interval: '2m',
    tests,
  };
}
