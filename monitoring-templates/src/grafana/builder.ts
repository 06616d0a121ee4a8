/**
 * A small builder for Grafana dashboard JSON: a datasource variable, stable
 * uids, the current schemaVersion, and panels laid out on the 24-column grid.
 */

/**
 * Dashboard JSON schema version of current Grafana (13.x: `DASHBOARD_SCHEMA_VERSION`
 * 42), so Grafana runs no migration on load. Migration 42 only concerns
 * `hideFrom`, which these dashboards do not set.
 */
export const SCHEMA_VERSION = 42;

/** The datasource every panel uses: the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: `\${datasource}` } as const;

/** One query of a panel. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

/** What a panel shows. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly queries: readonly PanelQuery[];
  /** Grafana unit id: `reqps`, `percentunit`, `s`, `bytes`, `short`… @default 'short' */
  readonly unit?: string;
  /** @default 'timeseries' */
  readonly type?: 'timeseries' | 'stat';
  /** Width on the 24-column grid. @default 12 */
  readonly width?: number;
  /** Stack series (for parts of a whole). @default false */
  readonly stacked?: boolean;
}

/** A row of panels. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** A template variable fed by `label_values(metric, label)`. */
export interface LabelVariable {
  readonly name: string;
  readonly label: string;
  readonly metric: string;
  readonly labelName: string;
}

/** What a dashboard is made of. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly LabelVariable[];
  readonly rows: readonly RowSpec[];
}

/** The dashboard JSON Grafana imports. */
export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Record<string, unknown>[];
  readonly templating: { list: readonly Record<string, unknown>[] };
  readonly [key: string]: unknown;
}

const STAT_OPTIONS = {
  options: {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'value',
    graphMode: 'area',
    textMode: 'auto',
  },
};

const TIMESERIES_OPTIONS = {
  options: {
    legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
    tooltip: { mode: 'multi', sort: 'desc' },
  },
};

/** Builds the dashboard JSON of `spec`. */
export function buildDashboard(spec: DashboardSpec): DashboardJson {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const panel of row.panels) {
      const type = panel.type ?? 'timeseries';
      const w = panel.width ?? 12;
      const h = type === 'stat' ? 4 : 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push({
        id: id++,
        type,
        title: panel.title,
        description: panel.description,
        datasource: DATASOURCE,
        gridPos: { x, y, w, h },
        fieldConfig: {
          defaults: {
            unit: panel.unit ?? 'short',
            ...(type === 'timeseries'
              ? {
                  custom: {
                    drawStyle: 'line',
                    fillOpacity: panel.stacked ? 30 : 10,
                    stacking: { mode: panel.stacked ? 'normal' : 'none', group: 'A' },
                    showPoints: 'never',
                  },
                }
              : {}),
          },
          overrides: [],
        },
        ...(type === 'stat' ? STAT_OPTIONS : TIMESERIES_OPTIONS),
        targets: panel.queries.map((query, index) => ({
          refId: String.fromCharCode(65 + index),
          datasource: DATASOURCE,
          expr: query.expr,
          legendFormat: query.legend,
          range: true,
          ...(type === 'stat' ? { instant: false } : {}),
        })),
      });
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['portcullis'],
    links: [
      {
        title: 'Portcullis dashboards',
        type: 'dashboards',
        tags: ['portcullis'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
      },
    ],
    timezone: 'browser',
    editable: false,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
        },
        ...spec.variables.map((variable) => ({
          name: variable.name,
          label: variable.label,
          type: 'query',
          datasource: DATASOURCE,
          query: {
            qryType: 1,
            query: `label_values(${variable.metric}, ${variable.labelName})`,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          definition: `label_values(${variable.metric}, ${variable.labelName})`,
          current: {},
          includeAll: true,
          allValue: '.*',
          multi: true,
          refresh: 2,
          sort: 1,
          hide: 0,
        })),
      ],
    },
    panels,
  };
}

/** Every query expression of a dashboard, with the title of the panel it belongs to. */
export function dashboardQueries(dashboard: DashboardJson): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) => {
    const targets = (panel.targets ?? []) as { expr: string }[];
    return targets.map((target) => ({ panel: String(panel.title), expr: target.expr }));
  });
}
