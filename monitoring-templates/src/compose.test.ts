import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OUTPUTS, TEMPLATES_ROOT } from './generate';
import { STACK_TARGETS } from './prometheus-config';

interface Service {
  image: string;
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  networks?: string[];
}

const compose = parse(readFileSync(join(TEMPLATES_ROOT, OUTPUTS.compose), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, unknown>;
};

describe('docker-compose.monitoring.yml', () => {
  it('runs the whole monitoring stack, each service from a pinned image', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'alertmanager',
        'cadvisor',
        'grafana',
        'jaeger',
        'node-exporter',
        'postgres-exporter',
        'prometheus',
        'redis-exporter',
      ].sort(),
    );
    for (const service of Object.values(compose.services)) {
      expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it('keeps 30 days of Prometheus data on a volume and loads the generated config', () => {
    const prometheus = compose.services.prometheus!;
    expect(prometheus.command).toContain('--storage.tsdb.retention.time=30d');
    expect(prometheus.volumes).toContain('./generated/prometheus:/etc/prometheus:ro');
    expect(prometheus.volumes).toContain('prometheus-data:/prometheus');
    expect(compose.volumes).toHaveProperty('prometheus-data');
  });

  it('provisions Grafana with the generated datasources and dashboards, and no default password', () => {
    const grafana = compose.services.grafana!;
    expect(grafana.volumes).toContain(
      './generated/grafana/provisioning:/etc/grafana/provisioning:ro',
    );
    expect(grafana.volumes?.some((v) => v.startsWith('./generated/grafana/dashboards:'))).toBe(
      true,
    );
    expect(grafana.environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(
      /^\$\{GRAFANA_ADMIN_PASSWORD:\?/,
    );
  });

  it('mounts the dashboards where the provisioned provider looks, next to a Prometheus datasource', () => {
    const read = (path: string) => parse(readFileSync(join(TEMPLATES_ROOT, path), 'utf8'));
    const provider = read(OUTPUTS.grafanaDashboards).providers[0];
    const mount = compose.services.grafana!.volumes!.find((v) => v.includes('dashboards:'))!;
    expect(mount.split(':')[1]).toBe(provider.options.path);
    expect(provider).toMatchObject({ type: 'file', allowUiUpdates: false });
    const datasources = read(OUTPUTS.grafanaDatasources).datasources as {
      type: string;
      url: string;
      isDefault?: boolean;
    }[];
    const prometheus = datasources.find((d) => d.type === 'prometheus');
    expect(prometheus).toMatchObject({ url: 'http://prometheus:9090', isDefault: true });
    expect(datasources.find((d) => d.type === 'jaeger')?.url).toBe('http://jaeger:16686');
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['prometheus', 'jaeger']));
  });

  it('mounts only files the generator writes', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        if (!volume.startsWith('./')) continue;
        const path = volume.split(':')[0]!;
        expect(() => readFileSync(join(TEMPLATES_ROOT, path, '.'), 'utf8')).toThrow(/EISDIR/);
      }
    }
  });

  it('publishes ports on loopback only and keeps every service on the stack network', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
      expect(service.networks).toContain('stack');
    }
  });

  it("reaches the gateway, Redis and PostgreSQL only through the gateway's external network", () => {
    expect(compose.networks.gateway).toEqual({
      external: true,
      name: `\${GATEWAY_NETWORK_NAME:-portcullis_monitoring}`,
    });
    const joined = Object.entries(compose.services)
      .filter(([, service]) => service.networks?.includes('gateway'))
      .map(([name]) => name);
    expect(joined.sort()).toEqual(['postgres-exporter', 'prometheus', 'redis-exporter']);
  });
});

describe('the reference deployment (examples/gateway) and this stack agree', () => {
  const deployment = parse(
    readFileSync(join(TEMPLATES_ROOT, '../examples/gateway/docker-compose.production.yml'), 'utf8'),
    { merge: true },
  ) as {
    name: string;
    services: Record<string, { environment?: Record<string, string>; networks?: string[] }>;
    networks: Record<string, unknown>;
  };

  it('joins the network the deployment creates for monitoring', () => {
    expect(deployment.networks).toHaveProperty('monitoring');
    expect(deployment.services.gateway?.networks).toContain('monitoring');
    expect(compose.networks.gateway).toMatchObject({
      name: `\${GATEWAY_NETWORK_NAME:-${deployment.name}_monitoring}`,
    });
  });

  it('scrapes the gateway on the port it listens on', () => {
    expect(`gateway:${deployment.services.gateway?.environment?.PORT}`).toBe(STACK_TARGETS.gateway);
  });
});
