/** The three Portcullis dashboards. */
import type { RecordedNames } from '../rules/recording';
import type { MetricSchema } from '../schema';
import { buildDashboard, type DashboardJson } from './builder';
import { overviewDashboard } from './overview';
import { performanceDashboard } from './performance';
import { servicesDashboard } from './services';

/** Folder of the dashboard JSON files, relative to the generated folder. */
export const DASHBOARD_FILES = 'grafana/dashboards';

/** Overview, Service integration, Performance & resources. */
export function dashboards(schema: MetricSchema, recorded: RecordedNames): DashboardJson[] {
  return [
    buildDashboard(overviewDashboard(schema, recorded)),
    buildDashboard(servicesDashboard(schema, recorded)),
    buildDashboard(performanceDashboard(schema)),
  ];
}
