/**
 * `docker-compose.monitoring.yml`: Prometheus (30-day retention), Alertmanager,
 * Grafana with provisioning, Jaeger, and the node, Redis, PostgreSQL and
 * cAdvisor exporters. Paths are relative to `monitoring-templates/`.
 */
import { GRAFANA_DASHBOARD_PATH } from './grafana/provisioning';

/** How long Prometheus keeps samples. */
export const PROMETHEUS_RETENTION = '30d';

/** The stack's own network (Grafana, Alertmanager, Jaeger, exporters, Prometheus). */
export const STACK_NETWORK = 'stack';

/**
 * The gateway's monitoring network, joined as an external network by the
 * services that must reach the gateway deployment. The reference deployment
 * (examples/gateway, compose project `portcullis`) names it `portcullis_monitoring`.
 */
export const GATEWAY_NETWORK = 'gateway';

const restart = 'unless-stopped';
const networks = [STACK_NETWORK];
const bothNetworks = [STACK_NETWORK, GATEWAY_NETWORK];

/** The compose file as a plain object. */
export function composeFile(): Record<string, unknown> {
  return {
    name: 'portcullis-monitoring',
    services: {
      prometheus: {
        image: 'prom/prometheus:v2.53.4',
        restart,
        command: [
          '--config.file=/etc/prometheus/prometheus.yml',
          '--storage.tsdb.path=/prometheus',
          `--storage.tsdb.retention.time=${PROMETHEUS_RETENTION}`,
          '--web.enable-lifecycle',
        ],
        volumes: ['./generated/prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
        ports: ['127.0.0.1:9090:9090'],
        healthcheck: {
          test: ['CMD', 'wget', '-qO-', 'http://localhost:9090/-/ready'],
          interval: '15s',
          timeout: '5s',
          retries: 5,
        },
        networks: bothNetworks,
      },
      alertmanager: {
        image: 'prom/alertmanager:v0.27.0',
        restart,
        command: [
          '--config.file=/etc/alertmanager/alertmanager.yml',
          '--storage.path=/alertmanager',
        ],
        volumes: [
          './generated/alertmanager:/etc/alertmanager:ro',
          'alertmanager-data:/alertmanager',
        ],
        ports: ['127.0.0.1:9093:9093'],
        healthcheck: {
          test: ['CMD', 'wget', '-qO-', 'http://localhost:9093/-/ready'],
          interval: '15s',
          timeout: '5s',
          retries: 5,
        },
        networks,
      },
      grafana: {
        image: 'grafana/grafana:13.2.1',
        restart,
        environment: {
          GF_SECURITY_ADMIN_PASSWORD: `\${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD}`,
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
        },
        volumes: [
          './generated/grafana/provisioning:/etc/grafana/provisioning:ro',
          `./generated/grafana/dashboards:${GRAFANA_DASHBOARD_PATH}:ro`,
          'grafana-data:/var/lib/grafana',
        ],
        ports: ['127.0.0.1:3000:3000'],
        depends_on: { prometheus: { condition: 'service_healthy' } },
        healthcheck: {
          test: ['CMD', 'wget', '-qO-', 'http://localhost:3000/api/health'],
          interval: '15s',
          timeout: '5s',
          retries: 5,
        },
        networks,
      },
      jaeger: {
        image: 'jaegertracing/all-in-one:1.62.0',
        restart,
        environment: { COLLECTOR_OTLP_ENABLED: 'true' },
        ports: ['127.0.0.1:16686:16686', '127.0.0.1:4317:4317', '127.0.0.1:4318:4318'],
        networks,
      },
      'node-exporter': {
        image: 'prom/node-exporter:v1.8.2',
        restart,
        pid: 'host',
        command: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/rootfs'],
        volumes: ['/proc:/host/proc:ro', '/sys:/host/sys:ro', '/:/rootfs:ro'],
        networks,
      },
      'redis-exporter': {
        image: 'oliver006/redis_exporter:v1.66.0',
        restart,
        environment: { REDIS_ADDR: `\${REDIS_ADDR:-redis://redis:6379}` },
        networks: bothNetworks,
      },
      'postgres-exporter': {
        image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
        restart,
        environment: {
          DATA_SOURCE_NAME: `\${POSTGRES_EXPORTER_DSN:?set POSTGRES_EXPORTER_DSN}`,
        },
        networks: bothNetworks,
      },
      cadvisor: {
        image: 'gcr.io/cadvisor/cadvisor:v0.49.2',
        restart,
        privileged: true,
        devices: ['/dev/kmsg'],
        volumes: [
          '/:/rootfs:ro',
          '/var/run:/var/run:ro',
          '/sys:/sys:ro',
          '/var/lib/docker/:/var/lib/docker:ro',
          '/dev/disk/:/dev/disk:ro',
        ],
        networks,
      },
    },
    volumes: { 'prometheus-data': {}, 'alertmanager-data': {}, 'grafana-data': {} },
    networks: {
      [STACK_NETWORK]: {},
      [GATEWAY_NETWORK]: {
        external: true,
        name: `\${GATEWAY_NETWORK_NAME:-portcullis_monitoring}`,
      },
    },
  };
}
