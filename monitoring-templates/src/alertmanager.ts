/**
 * Alertmanager routing: one receiver per severity, and inhibition so a
 * critical alert silences the warnings of the same family (and service).
 */

/** Severities every Portcullis alert carries in its `severity` label. */
export const SEVERITIES = ['critical', 'warning'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** The receiver each severity is routed to. */
export const RECEIVER_BY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: 'portcullis-page',
  warning: 'portcullis-ticket',
};

/** Receiver of anything without a known severity. */
export const DEFAULT_RECEIVER = 'portcullis-default';

/** Labels that must be equal for a critical alert to silence a warning. */
export const INHIBIT_EQUAL = ['family', 'service'] as const;

/**
 * The Alertmanager configuration as a plain object (serialised to YAML by the
 * generator). Receivers post to local webhook relays: replace the URLs with
 * your pager and chat integrations (see MONITORING.md).
 */
export function alertmanagerConfig(): Record<string, unknown> {
  const webhook = (path: string) => ({
    webhook_configs: [{ url: `http://alert-relay:9095/${path}`, send_resolved: true }],
  });
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: DEFAULT_RECEIVER,
      group_by: ['alertname', 'family', 'service'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        {
          receiver: RECEIVER_BY_SEVERITY.critical,
          matchers: ['severity="critical"'],
          group_wait: '10s',
          repeat_interval: '1h',
        },
        {
          receiver: RECEIVER_BY_SEVERITY.warning,
          matchers: ['severity="warning"'],
          repeat_interval: '4h',
        },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: [...INHIBIT_EQUAL],
      },
    ],
    receivers: [
      { name: DEFAULT_RECEIVER, ...webhook('default') },
      { name: RECEIVER_BY_SEVERITY.critical, ...webhook('page') },
      { name: RECEIVER_BY_SEVERITY.warning, ...webhook('ticket') },
    ],
  };
}
