import { describe, expect, it } from 'vitest';
import { analyzePromql, checkPromql, substituteGrafanaVariables } from './promql';
import { type CatalogMetric, CatalogMismatchError, createSchema } from './schema';

// A tiny catalog of its own, so these tests specify the checker itself.
const catalog: CatalogMetric[] = [
  {
    name: 'requests_total',
    type: 'counter',
    help: 'Requests.',
    group: 'test',
    labels: [
      { name: 'service', description: 'Backend.' },
      { name: 'outcome', description: 'Outcome.', values: ['success', 'error'] },
    ],
  },
  {
    name: 'request_duration_seconds',
    type: 'histogram',
    help: 'Latency.',
    group: 'test',
    labels: [{ name: 'service', description: 'Backend.' }],
  },
];
const schema = () =>
  createSchema({ catalog, prefix: 'app_', processMetricNames: ['process_cpu_seconds_total'] });

describe('checkPromql', () => {
  it('accepts an expression whose metrics and labels are all in the catalog', () => {
    expect(
      checkPromql(
        'sum by (service) (rate(app_requests_total{outcome="error"}[5m])) / sum by (service) (rate(app_requests_total[5m]))',
        schema(),
      ),
    ).toEqual([]);
  });

  it('reports a syntax error instead of guessing', () => {
    const problems = checkPromql('sum(rate(app_requests_total[5m])', schema());
    expect(problems.map((p) => p.message).join()).toMatch(/syntax error/);
  });

  it('reports a metric the catalog does not define', () => {
    const problems = checkPromql('rate(app_request_total[5m])', schema());
    expect(problems.map((p) => p.message)).toEqual([
      'metric `app_request_total` is not in the catalog',
    ]);
  });

  it('reports an unknown label in a matcher', () => {
    const problems = checkPromql('app_requests_total{route="/x"}', schema());
    expect(problems.map((p) => p.message)).toEqual([
      'metric `app_requests_total` has no label `route`',
    ]);
  });

  it('reports a grouping label the grouped series do not carry', () => {
    const problems = checkPromql('sum by (route) (rate(app_requests_total[5m]))', schema());
    expect(problems[0]?.message).toMatch(/label `route` in sum by\/without/);
  });

  it('reports grouping on a label an inner aggregation already dropped', () => {
    const problems = checkPromql(
      'max by (outcome) (sum by (service) (rate(app_requests_total[5m])))',
      schema(),
    );
    expect(problems[0]?.message).toMatch(/label `outcome`/);
  });

  it('requires histogram_quantile buckets to keep `le`', () => {
    expect(
      checkPromql(
        'histogram_quantile(0.99, sum by (le, service) (rate(app_request_duration_seconds_bucket[5m])))',
        schema(),
      ),
    ).toEqual([]);
    const problems = checkPromql(
      'histogram_quantile(0.99, sum by (service) (rate(app_request_duration_seconds_bucket[5m])))',
      schema(),
    );
    expect(problems[0]?.message).toMatch(/le/);
  });

  it('checks on() labels against both sides of a binary operation', () => {
    const problems = checkPromql(
      'rate(app_requests_total[5m]) / on (outcome) rate(app_request_duration_seconds_count[5m])',
      schema(),
    );
    expect(problems.map((p) => p.message).join()).toMatch(/on\/ignoring \(right side\)/);
  });

  it('knows process metrics, `up` and the target labels', () => {
    expect(
      checkPromql('rate(process_cpu_seconds_total{job="gw"}[5m]) and on (instance) up', schema()),
    ).toEqual([]);
  });

  it('rejects label_replace, which would invent labels', () => {
    const problems = checkPromql(
      'label_replace(app_requests_total, "x", "$1", "service", "(.*)")',
      schema(),
    );
    expect(problems[0]?.message).toMatch(/label_replace is not allowed/);
  });

  it('lists the metrics and labels an expression uses', () => {
    const usage = analyzePromql('sum by (service) (app_requests_total{outcome="error"})', schema());
    expect(usage.metrics).toEqual(['app_requests_total']);
    expect([...usage.labels].sort()).toEqual(['outcome', 'service']);
  });
});

describe('substituteGrafanaVariables', () => {
  it('turns Grafana interval variables into durations and fills template variables', () => {
    expect(
      substituteGrafanaVariables('rate(x{service=~"$service"}[$__rate_interval])', {
        service: '.*',
      }),
    ).toBe('rate(x{service=~".*"}[1m])');
  });
});

describe('createSchema', () => {
  it('refuses a metric name the catalog lacks', () => {
    expect(() => schema().metric('nope_total')).toThrow(CatalogMismatchError);
  });

  it('refuses a label value outside the documented values', () => {
    expect(() => schema().metric('requests_total').value('outcome', 'failed')).toThrow(
      /values are \[success, error\]/,
    );
  });

  it('exposes histogram parts only for histograms', () => {
    expect(schema().metric('request_duration_seconds').bucket).toBe(
      'app_request_duration_seconds_bucket',
    );
    expect(() => schema().metric('requests_total').bucket).toThrow(/histogram/);
  });
});

describe('checkPromql label values', () => {
  it('reports a matcher value the catalog does not list', () => {
    const problems = checkPromql('app_requests_total{outcome="failed"}', schema());
    expect(problems.map((p) => p.message)).toEqual([
      '`app_requests_total{outcome}` never takes the value `failed` (catalog values: success, error)',
    ]);
  });

  it('checks each literal alternative of a regex matcher', () => {
    expect(checkPromql('app_requests_total{outcome=~"success|error"}', schema())).toEqual([]);
    const problems = checkPromql('app_requests_total{outcome=~"success|eror"}', schema());
    expect(problems[0]?.message).toMatch(/value `eror`/);
  });

  it('leaves real regexes, variables and open labels alone', () => {
    expect(checkPromql('app_requests_total{outcome=~"succ.*"}', schema())).toEqual([]);
    expect(checkPromql('app_requests_total{outcome=~"$outcome"}', schema())).toEqual([]);
    expect(checkPromql('app_requests_total{service="anything"}', schema())).toEqual([]);
  });
});

describe('checkPromql label propagation', () => {
  it('drops `without` labels, so grouping on them later is reported', () => {
    expect(
      checkPromql('sum by (service) (sum without (outcome) (app_requests_total))', schema()),
    ).toEqual([]);
    const problems = checkPromql(
      'sum by (outcome) (sum without (outcome) (app_requests_total))',
      schema(),
    );
    expect(problems[0]?.message).toMatch(/label `outcome`/);
  });

  it('follows labels through offsets, subqueries and parentheses', () => {
    expect(
      checkPromql(
        'max by (service) (max_over_time((rate(app_requests_total[5m] offset 1h))[30m:1m]))',
        schema(),
      ),
    ).toEqual([]);
  });

  it('accepts group_left joins on labels both sides carry', () => {
    expect(
      checkPromql(
        'sum by (service, outcome) (app_requests_total) / on (service) group_left sum by (service) (app_requests_total)',
        schema(),
      ),
    ).toEqual([]);
  });

  it('registers recording-rule outputs with the labels the expression keeps', () => {
    const s = schema();
    const usage = analyzePromql('sum by (service) (rate(app_requests_total[5m]))', s);
    s.addRecorded('service:app_requests:rate5m', usage.output);
    expect(checkPromql('service:app_requests:rate5m{service="users"}', s)).toEqual([]);
    expect(checkPromql('service:app_requests:rate5m{outcome="error"}', s)[0]?.message).toMatch(
      /has no label `outcome`/,
    );
  });
});
