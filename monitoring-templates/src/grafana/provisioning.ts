/** Grafana provisioning: the Prometheus and Jaeger datasources and the dashboard folder. */

/** Uid of the provisioned Prometheus datasource (the dashboards' default). */
export const PROMETHEUS_DATASOURCE_UID = 'portcullis-prometheus';

/** Where the compose stack mounts the dashboards inside the Grafana container. */
export const GRAFANA_DASHBOARD_PATH = '/var/lib/grafana/dashboards/portcullis';

/** `provisioning/datasources/portcullis.yml`. */
export function grafanaDatasources(): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: PROMETHEUS_DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: 'http://prometheus:9090',
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: '15s', httpMethod: 'POST' },
      },
      {
        name: 'Jaeger',
        uid: 'portcullis-jaeger',
        type: 'jaeger',
        access: 'proxy',
        url: 'http://jaeger:16686',
        editable: false,
      },
    ],
  };
}

/** `provisioning/dashboards/portcullis.yml`. */
export function grafanaDashboardProvider(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'portcullis',
        folder: 'Portcullis',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA_DASHBOARD_PATH },
      },
    ],
  };
}
