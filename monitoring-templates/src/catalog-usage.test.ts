import { METRIC_CATALOG } from '@portcullis/metrics';
import { describe, expect, it } from 'vitest';
import { dashboardQueries } from './grafana/builder';
import { dashboards } from './grafana/dashboards';
import { analyzePromql, checkPromql, substituteGrafanaVariables } from './promql';
import { buildRuleSet } from './rules/rule-files';
import { portcullisSchema } from './settings';

// One schema for the whole file: recording rules register their outputs in it.
const schema = portcullisSchema();
const rules = buildRuleSet(schema);
const boards = dashboards(schema, rules.recorded);

const ruleExprs = [
  ...rules.recording.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `record ${rule.record}`, expr: rule.expr })),
  ),
  ...rules.alerting.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ),
];
const panelExprs = boards.flatMap((board) =>
  dashboardQueries(board).map(({ panel, expr }) => ({
    where: `${board.uid} / ${panel}`,
    expr: substituteGrafanaVariables(expr),
  })),
);

describe('every PromQL expression uses only what the catalog defines', () => {
  it.each(ruleExprs)('$where', ({ expr }) => {
    expect(checkPromql(expr, schema)).toEqual([]);
  });

  it.each(panelExprs)('$where', ({ expr }) => {
    expect(checkPromql(expr, schema)).toEqual([]);
  });

  it('shows at least 90% of the catalog metrics somewhere (all of them today)', () => {
    const used = new Set(
      [...ruleExprs, ...panelExprs].flatMap(({ expr }) => analyzePromql(expr, schema).metrics),
    );
    const families = METRIC_CATALOG.map((metric) => `${schema.prefix}${metric.name}`);
    const unused = families.filter(
      (family) =>
        ![family, `${family}_bucket`, `${family}_sum`, `${family}_count`].some((n) => used.has(n)),
    );
    // A metric added to the catalog should get a panel; the margin keeps a new
    // metric from breaking the build before its panel lands.
    expect(unused.length, `not on any dashboard or rule: ${unused.join(', ')}`).toBeLessThanOrEqual(
      Math.floor(families.length * 0.1),
    );
  });

  it('feeds dashboard variables from catalog metrics and labels', () => {
    for (const board of boards) {
      for (const variable of board.templating.list) {
        const definition = variable.definition as string | undefined;
        if (definition === undefined) continue;
        const match = /^label_values\(([^,]+), ([a-z_]+)\)$/.exec(definition);
        expect(match, definition).not.toBeNull();
        const series = schema.series.get(match![1]!);
        expect(series?.labels.has(match![2]!), definition).toBe(true);
      }
    }
  });
});
