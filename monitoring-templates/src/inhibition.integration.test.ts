/**
 * Inhibition, proven on a real Alertmanager (amtool cannot test it offline):
 * a critical alert silences the warnings of its family and service, and
 * nothing else.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  requireBinary,
  serviceDir,
  spawnService,
  stopProcess,
} from '@portcullis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUTS, TEMPLATES_ROOT } from './generate';

interface AlertStatus {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

let alertmanager: ChildProcess;
let api: string;
let dir: string | undefined;

async function post(alerts: Record<string, string>[]): Promise<void> {
  const startsAt = new Date().toISOString();
  const response = await fetch(`${api}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((labels) => ({ labels, startsAt }))),
  });
  expect(response.status).toBe(200);
}

async function states(): Promise<Map<string, string>> {
  const response = await fetch(`${api}/api/v2/alerts`);
  const alerts = (await response.json()) as AlertStatus[];
  return new Map(
    alerts.map((alert) => [
      `${alert.labels.alertname}/${alert.labels.service ?? ''}`,
      alert.status.state,
    ]),
  );
}

beforeAll(async () => {
  const binary = requireBinary('prometheus-alertmanager');
  dir = serviceDir('alertmanager');
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  alertmanager = spawnService(binary, [
    `--config.file=${join(TEMPLATES_ROOT, OUTPUTS.alertmanager)}`,
    `--storage.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  let log = '';
  alertmanager.stderr?.on('data', (chunk) => {
    log += String(chunk);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${api}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || alertmanager.exitCode !== null) {
      throw new Error(`Alertmanager did not become ready on ${api}:\n${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 30_000);

afterAll(async () => {
  if (alertmanager !== undefined) await stopProcess(alertmanager);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a real Alertmanager with the generated configuration', { timeout: 15_000 }, () => {
  it('silences a warning while a critical alert of the same family and service fires', async () => {
    await post([
      {
        alertname: 'ServiceRequestTimeout',
        severity: 'critical',
        family: 'service-errors',
        service: 'users',
      },
      {
        alertname: 'HighServiceErrorRate',
        severity: 'warning',
        family: 'service-errors',
        service: 'users',
      },
      {
        alertname: 'HighServiceErrorRate',
        severity: 'warning',
        family: 'service-errors',
        service: 'shifts',
      },
      { alertname: 'HighEventLoopLag', severity: 'warning', family: 'runtime' },
    ]);
    const state = await states();
    expect(state.get('HighServiceErrorRate/users')).toBe('suppressed');
    expect(state.get('ServiceRequestTimeout/users')).toBe('active');
    // Another service, and another family, are not silenced.
    expect(state.get('HighServiceErrorRate/shifts')).toBe('active');
    expect(state.get('HighEventLoopLag/')).toBe('active');
  });
});
