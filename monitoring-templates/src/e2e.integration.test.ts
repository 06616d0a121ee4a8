/**
 * End to end: a real Prometheus on 127.0.0.1 scrapes two targets of the
 * gateway job: the reference gateway itself, in a child process running its
 * demo scenario (registration, a conversation, backend calls, an outage, a
 * flood), and a node:http target serving `@portcullis/metrics` fed with
 * synthetic events for the fault paths the demo never takes (Telegram 429s,
 * signature failures, timeouts). Afterwards the gateway's own series carry the
 * core metrics, every dashboard query returns data over the HTTP API, and
 * every committed rule evaluates without error.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { instrument, metricsHandler } from '@portcullis/metrics';
import {
  freePort,
  requireBinary,
  serviceDir,
  spawnService,
  stopProcess,
} from '@portcullis/testkit';
import type { Histogram } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { OUTPUTS, TEMPLATES_ROOT } from './generate';
import { dashboardQueries } from './grafana/builder';
import { dashboards } from './grafana/dashboards';
import { prometheusConfig } from './prometheus-config';
import { substituteGrafanaVariables } from './promql';
import { buildRuleSet } from './rules/rule-files';
import { portcullisSchema } from './settings';
import { type DemoGateway, startDemoGateway } from './test-support/demo-gateway';
import { churnMemory, publishRound } from './test-support/scenario';

const schema = portcullisSchema();
const rules = buildRuleSet(schema);
const queries = dashboards(schema, rules.recorded).flatMap((board) =>
  dashboardQueries(board).map(({ panel, expr }) => ({
    panel: `${board.uid} / ${panel}`,
    expr: substituteGrafanaVariables(expr, { job: '.*', service: '.*' }),
  })),
);
const variables = dashboards(schema, rules.recorded).flatMap((board) =>
  board.templating.list.flatMap((variable) => {
    const match = /^label_values\(([^,]+), ([a-z_]+)\)$/.exec(String(variable.definition ?? ''));
    return match === null ? [] : [{ board: board.uid, metric: match[1]!, label: match[2]! }];
  }),
);
const recordedNames = rules.recording.groups.flatMap((group) => group.rules.map((r) => r.record));

interface QueryResponse {
  status: string;
  data: { result: unknown[] };
}

let target: Server;
let gateway: DemoGateway;
let prometheus: ChildProcess;
let api: string;
let dir: string | undefined;
let unsubscribe: () => void;
let scenario: NodeJS.Timeout;

async function query(expr: string): Promise<unknown[]> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as QueryResponse;
  if (body.status !== 'success') throw new Error(`query failed: ${expr}`);
  return body.data.result;
}

/** Polls until every expression returns data or the deadline passes; returns the empty ones. */
async function waitForData(exprs: readonly string[], deadline: number): Promise<string[]> {
  let empty = [...exprs];
  while (empty.length > 0 && Date.now() < deadline) {
    const results = await Promise.all(
      empty.map(async (expr) => [expr, await query(expr)] as const),
    );
    empty = results.filter(([, result]) => result.length === 0).map(([expr]) => expr);
    if (empty.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return empty;
}

beforeAll(async () => {
  const binary = requireBinary('prometheus');
  gateway = await startDemoGateway();
  const instrumentation = instrument({ breakers: ['users'] });
  unsubscribe = instrumentation.unsubscribe;
  const { metrics } = instrumentation;
  target = createServer(
    metricsHandler(metrics.registry, {
      scrapeDuration: metrics.metric('metrics_scrape_duration_seconds') as Histogram,
    }),
  );
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetPort = (target.address() as AddressInfo).port;

  let round = 0;
  publishRound(round++);
  scenario = setInterval(() => {
    publishRound(round++);
    churnMemory();
  }, 100);

  dir = serviceDir('prometheus');
  const config = prometheusConfig({
    gatewayTargets: [gateway.target, `127.0.0.1:${targetPort}`],
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    stack: false,
    ruleFiles: [
      join(TEMPLATES_ROOT, OUTPUTS.recordingRules),
      join(TEMPLATES_ROOT, OUTPUTS.alertRules),
    ],
  });
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawnService(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  let log = '';
  prometheus.stderr?.on('data', (chunk) => {
    log += String(chunk);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${api}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || prometheus.exitCode !== null) {
      throw new Error(`Prometheus did not become ready on ${api}:\n${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  clearInterval(scenario);
  unsubscribe?.();
  if (prometheus !== undefined) await stopProcess(prometheus);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => target?.close(resolve));
});

describe('a real Prometheus scraping a gateway that runs the demo scenario', () => {
  it('scrapes both targets successfully', async () => {
    const empty = await waitForData(
      ['count(up{job="portcullis-gateway"} == 1) == 2'],
      Date.now() + 10_000,
    );
    expect(empty).toEqual([]);
  }, 15_000);

  it("records the reference gateway's own traffic while its demo scenario runs", async () => {
    const transcript = await gateway.finished;
    expect(transcript).toContain('7 of 7 steps behaved as expected.');
    const own = (expr: string) => expr.replaceAll('{', `{instance="${gateway.target}",`);
    const p = schema.prefix;
    const core = [
      `${p}updates_received_total{update_type="message"} > 0`,
      `${p}updates_handled_total{outcome="handled"} > 0`,
      `${p}webhook_requests_total{outcome="accepted"} > 0`,
      `${p}ratelimit_decisions_total{outcome="denied"} > 0`,
      `${p}service_requests_total{service="requests"} > 0`,
      `${p}service_request_duration_seconds_count{service="shifts"} > 0`,
      `${p}circuit_breaker_transitions_total{breaker="shifts"} > 0`,
      `${p}telegram_api_requests_total{method="sendMessage"} > 0`,
      `${p}fsm_transitions_total{} > 0`,
      `${p}requests_created_total{} > 0`,
      `${p}shifts_viewed_total{} > 0`,
      `${p}commands_total{command="request"} > 0`,
      `process_resident_memory_bytes{} > 0`,
    ].map(own);
    const empty = await waitForData(core, Date.now() + 15_000);
    expect(empty).toEqual([]);
  }, 60_000);

  it(`returns data for every dashboard query (${queries.length} queries)`, async () => {
    const empty = await waitForData(
      queries.map((q) => q.expr),
      Date.now() + 20_000,
    );
    const missing = queries.filter((q) => empty.includes(q.expr)).map((q) => q.panel);
    expect(missing).toEqual([]);
  }, 30_000);

  it(`offers values for every dashboard variable (${variables.length} variables)`, async () => {
    expect(variables.length).toBeGreaterThanOrEqual(4);
    for (const { board, metric, label } of variables) {
      const url = `${api}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric)}`;
      const body = (await (await fetch(url)).json()) as { data: string[] };
      expect(body.data.length, `${board}: label_values(${metric}, ${label})`).toBeGreaterThan(0);
    }
  }, 15_000);

  it('evaluates every recording rule into data, and every rule without error', async () => {
    const empty = await waitForData(recordedNames, Date.now() + 10_000);
    expect(empty).toEqual([]);
    const response = await fetch(`${api}/api/v1/rules`);
    const body = (await response.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const evaluated = body.data.groups.flatMap((group) => group.rules);
    expect(evaluated.length).toBe(recordedNames.length + rules.definitions.length);
    expect(evaluated.filter((rule) => rule.health !== 'ok')).toEqual([]);
  }, 15_000);
});
