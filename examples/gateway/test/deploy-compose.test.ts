import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_DIR } from './edge';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  healthcheck?: {
    test: string[];
    interval: string;
    timeout: string;
    retries: number;
    start_period: string;
    disable?: boolean;
  };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
  logging?: { driver: string; options: Record<string, string> };
  networks?: string[];
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
  environment?: Record<string, string>;
  command?: string[] | string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, unknown>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

const composeText = readFileSync(join(GATEWAY_DIR, 'docker-compose.production.yml'), 'utf8');
// Compose resolves YAML merge keys (`<<: *anchor`); so does this parse.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const envExample = readFileSync(join(GATEWAY_DIR, '.env.example'), 'utf8');
const documented = new Set([...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

describe('docker-compose.production.yml', () => {
  it('runs the gateway, PostgreSQL 15, Redis 7 and nginx, plus the example services and backups', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'admin-service',
      'backup',
      'gateway',
      'nginx',
      'postgres',
      'redis',
      'requests-service',
      'shifts-service',
      'users-service',
    ]);
    expect(compose.services.postgres?.image).toMatch(/^postgres:15[.-]/);
    expect(compose.services.redis?.image).toMatch(/^redis:7[.-]/);
    expect(compose.services.gateway?.build).toEqual({
      context: '../..',
      dockerfile: 'examples/gateway/Dockerfile',
    });
  });

  it.each(services)(
    '%s has a health check every 30 s, 3 retries, 40 s start period',
    (_name, service) => {
      expect(service.healthcheck?.disable).toBeUndefined();
      expect(service.healthcheck?.test?.length).toBeGreaterThan(0);
      expect(service.healthcheck).toMatchObject({
        interval: '30s',
        retries: 3,
        start_period: '40s',
      });
    },
  );

  it.each(services)('%s has CPU and memory limits', (_name, service) => {
    const limits = service.deploy?.resources?.limits;
    expect(Number(limits?.cpus)).toBeGreaterThan(0);
    expect(limits?.memory).toMatch(/^\d+[MG]$/);
  });

  it.each(services)(
    '%s rotates json-file logs at 10 MB x 3 and cannot gain privileges',
    (_name, service) => {
      expect(service.logging).toEqual({
        driver: 'json-file',
        options: { 'max-size': '10m', 'max-file': '3' },
      });
      expect(service.security_opt).toContain('no-new-privileges:true');
    },
  );

  it('publishes ports only from nginx; the gateway joins the app and monitoring networks', () => {
    for (const [name, service] of services)
      if (name !== 'nginx') expect(service.ports, name).toBeUndefined();
    expect(compose.services.nginx?.ports).toEqual(['80:80', '443:443']);
    expect(compose.services.gateway?.networks).toEqual(['app', 'monitoring']);
    expect(Object.keys(compose.networks).sort()).toEqual(['app', 'monitoring']);
    expect(compose.networks.monitoring).toMatchObject({ internal: true });
    for (const [name, service] of services) {
      for (const network of service.networks ?? [])
        expect(Object.keys(compose.networks), name).toContain(network);
    }
  });

  it('keeps data in named volumes and mounts only files that exist', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./')) {
          if (source === './certs') continue; // the operator's TLS certificates (DEPLOYMENT.md)
          expect(existsSync(resolve(GATEWAY_DIR, source)), `${name}: ${source}`).toBe(true);
        } else expect(Object.keys(compose.volumes), `${name}: ${volume}`).toContain(source);
      }
    }
    expect(compose.services.postgres?.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(compose.services.redis?.volumes).toContain('redis-data:/data');
  });

  it('protects Redis with a password and passes every secret as a file, never as a value', () => {
    const redisCommand = JSON.stringify(compose.services.redis?.command);
    expect(redisCommand).toContain('requirepass');
    expect(redisCommand).toContain('/run/secrets/redis_password');
    expect(compose.services.redis?.healthcheck?.test.join(' ')).toContain('REDISCLI_AUTH');
    // a shell command keeps the image's entrypoint from dropping root: compose must do it
    expect((compose.services.redis as { user?: string }).user).toBe('redis');
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/(SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL)$/.test(key)) {
          expect.fail(
            `${name}.${key} should be a *_FILE secret, got a value ${value === '' ? '(empty)' : ''}`,
          );
        }
        if (key.endsWith('_FILE')) {
          const secret = value.replace('/run/secrets/', '');
          expect(service.secrets, `${name}.${key}`).toContain(secret);
          expect(compose.secrets[secret]?.file, secret).toBe(`./secrets/${secret}`);
        }
      }
    }
  });

  it('runs the app containers read-only, without capabilities, from one image', () => {
    for (const name of [
      'gateway',
      'users-service',
      'requests-service',
      'shifts-service',
      'admin-service',
    ]) {
      const service = compose.services[name];
      expect(service?.read_only, name).toBe(true);
      expect(service?.cap_drop, name).toEqual(['ALL']);
      expect(service?.image, name).toBe('portcullis/gateway:${PORTCULLIS_VERSION:-latest}');
      expect(service?.healthcheck?.test, name).toEqual(['CMD', 'node', 'healthcheck.mjs']);
    }
    const bundles = readFileSync(join(GATEWAY_DIR, 'scripts/bundle.mjs'), 'utf8');
    for (const name of ['users-service', 'requests-service', 'shifts-service', 'admin-service']) {
      expect(compose.services[name]?.command).toContain(`dist/${name}.js`);
      expect(bundles).toContain(`'${name}':`);
    }
  });

  it('documents every variable it interpolates in .env.example', () => {
    const interpolated = [...composeText.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map(
      (m) => m[1],
    );
    expect(interpolated.length).toBeGreaterThan(0);
    for (const name of interpolated) expect(documented, name).toContain(name);
  });
});

describe('.env.example', () => {
  it("documents every variable of the gateway's configuration schema", () => {
    const config = readFileSync(join(GATEWAY_DIR, 'src/config.ts'), 'utf8');
    const schemaBody = config.slice(
      config.indexOf('z\n  .object({'),
      config.indexOf('.superRefine'),
    );
    const variables = [...schemaBody.matchAll(/^ {4}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(10);
    for (const name of variables) expect(documented, name).toContain(name);
  });

  it('agrees with nginx on the webhook path', () => {
    const config = readFileSync(join(GATEWAY_DIR, 'src/config.ts'), 'utf8');
    const path = /TELEGRAM_WEBHOOK_PATH:.*\.default\('([^']+)'\)/.exec(config)?.[1];
    expect(path).toBeDefined();
    expect(envExample).toContain(`TELEGRAM_WEBHOOK_PATH=${path}`);
    const nginx = readFileSync(join(GATEWAY_DIR, 'nginx/nginx.conf'), 'utf8');
    expect(nginx).toContain(`location = ${path} {`);
  });

  it('holds no secret values', () => {
    for (const line of envExample.split('\n')) {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match && /(SECRET|TOKEN|PASSWORD)$/.test(match[1]!)) expect(match[2], match[1]).toBe('');
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(GATEWAY_DIR, 'Dockerfile'), 'utf8');

  it('builds in stages and runs as a non-root user with a health check', () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['build', 'runtime']);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const users = [...runtime.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users).toEqual(['node']);
    expect(runtime).toMatch(
      /HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \\\n\s+CMD \["node", "healthcheck.mjs"\]/,
    );
    expect(runtime).not.toMatch(/^(ARG|ENV) .*(SECRET|TOKEN|PASSWORD)/m);
  });

  it('copies every workspace member the frozen install needs', () => {
    const workspace = readFileSync(join(GATEWAY_DIR, '../../pnpm-workspace.yaml'), 'utf8');
    const members = (parse(workspace) as { packages: string[] }).packages.map(
      (glob) => glob.split('/')[0]!,
    );
    for (const top of new Set(members)) {
      expect(dockerfile, top).toMatch(new RegExp(`^COPY ${top}(/package\\.json)? `, 'm'));
    }
  });
});
