/** The Prometheus configuration: scrape jobs, rule files, Alertmanager. */
import { RULE_FILES } from './rules/rule-files';
import { GATEWAY_JOB } from './settings';

/** Where the stack's containers listen (service names of docker-compose.monitoring.yml). */
export const STACK_TARGETS = {
  gateway: 'gateway:8080',
  prometheus: 'localhost:9090',
  alertmanager: 'alertmanager:9093',
  nodeExporter: 'node-exporter:9100',
  redisExporter: 'redis-exporter:9121',
  postgresExporter: 'postgres-exporter:9187',
  cadvisor: 'cadvisor:8080',
} as const;

/** What {@link prometheusConfig} can change (the E2E test points it at a local target). */
export interface PrometheusConfigOptions {
  /** Gateway `host:port` targets. @default [STACK_TARGETS.gateway] */
  readonly gatewayTargets?: readonly string[];
  /** @default '15s' */
  readonly scrapeInterval?: string;
  /** @default '15s' */
  readonly evaluationInterval?: string;
  /** Include the exporters and Alertmanager of the compose stack. @default true */
  readonly stack?: boolean;
  /** Rule file paths as Prometheus should read them. @default the generated rule files */
  readonly ruleFiles?: readonly string[];
}

/** The Prometheus configuration as a plain object. */
export function prometheusConfig(options: PrometheusConfigOptions = {}): Record<string, unknown> {
  const scrapeInterval = options.scrapeInterval ?? '15s';
  const stack = options.stack ?? true;
  const job = (name: string, target: string) => ({
    job_name: name,
    static_configs: [{ targets: [target] }],
  });
  return {
    global: {
      scrape_interval: scrapeInterval,
      evaluation_interval: options.evaluationInterval ?? '15s',
      external_labels: { monitor: 'portcullis' },
    },
    rule_files: [...(options.ruleFiles ?? [RULE_FILES.recording, RULE_FILES.alerts])],
    ...(stack
      ? {
          alerting: {
            alertmanagers: [{ static_configs: [{ targets: [STACK_TARGETS.alertmanager] }] }],
          },
        }
      : {}),
    scrape_configs: [
      {
        job_name: GATEWAY_JOB,
        metrics_path: '/metrics',
        static_configs: [{ targets: [...(options.gatewayTargets ?? [STACK_TARGETS.gateway])] }],
      },
      ...(stack
        ? [
            job('prometheus', STACK_TARGETS.prometheus),
            job('node', STACK_TARGETS.nodeExporter),
            job('redis', STACK_TARGETS.redisExporter),
            job('postgres', STACK_TARGETS.postgresExporter),
            job('cadvisor', STACK_TARGETS.cadvisor),
            job('alertmanager', STACK_TARGETS.alertmanager),
          ]
        : []),
    ],
  };
}
