import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  requireBinary,
  serviceDir,
  spawnService,
  stopProcess,
} from '@portcullis/testkit';

const run = promisify(execFile);

/** The folder of the gateway's deployment files. */
export const GATEWAY_DIR = resolve(import.meta.dirname, '..');

/** Replaces each `from` in `text` (every occurrence), failing when one is missing: the file drifted. */
export function substitute(
  text: string,
  replacements: ReadonlyArray<readonly [string, string]>,
): string {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from))
      throw new Error(`Expected the config to contain ${JSON.stringify(from)}`);
    result = result.replaceAll(from, to);
  }
  return result;
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost. */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, 'fullchain.pem');
  const key = join(dir, 'privkey.pem');
  await run(requireBinary('openssl'), [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { cert, key };
}

/** A test copy of nginx/nginx.conf: loopback ports, temp paths, the given upstream. */
export interface EdgeConfig {
  readonly dir: string;
  readonly configPath: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** The loopback port of the container health check (8081 in production). */
  readonly healthPort: number;
  readonly certPem: string;
}

/** Writes the test copy of the production nginx config; `allowLoopback` lets 127.0.0.1 post webhooks. */
export async function writeEdgeConfig(
  upstreamPort: number,
  allowLoopback: boolean,
): Promise<EdgeConfig> {
  const dir = serviceDir('nginx');
  const certs = await selfSignedCertificate(join(dir, 'certs'));
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const healthPort = await freePort();
  mkdirSync(join(dir, 'cache'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const ips = readFileSync(join(GATEWAY_DIR, 'nginx/telegram-ips.conf'), 'utf8');
  writeFileSync(
    join(dir, 'telegram-ips.conf'),
    allowLoopback ? substitute(ips, [['deny all;', 'allow 127.0.0.1;\ndeny all;']]) : ips,
  );
  const config = substitute(readFileSync(join(GATEWAY_DIR, 'nginx/nginx.conf'), 'utf8'), [
    ['/var/cache/nginx', join(dir, 'cache')],
    ['/var/log/nginx', join(dir, 'logs')],
    ['/etc/nginx/certs', join(dir, 'certs')],
    ['/etc/nginx/telegram-ips.conf', join(dir, 'telegram-ips.conf')],
    ['server gateway:8080', `server 127.0.0.1:${upstreamPort}`],
    ['listen 80 default_server', `listen 127.0.0.1:${httpPort} default_server`],
    ['listen 443 ssl default_server', `listen 127.0.0.1:${httpsPort} ssl default_server`],
    ['worker_processes auto', 'worker_processes 1'],
    ['listen 127.0.0.1:8081', `listen 127.0.0.1:${healthPort}`],
  ]);
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  return {
    dir,
    configPath,
    httpPort,
    httpsPort,
    healthPort,
    certPem: readFileSync(certs.cert, 'utf8'),
  };
}

/** `nginx -t` on a config; resolves with its output, rejects when the config is invalid. */
export async function nginxTest(config: EdgeConfig): Promise<string> {
  const { stderr } = await run(requireBinary('nginx'), [
    '-t',
    '-p',
    config.dir,
    '-c',
    config.configPath,
  ]);
  return stderr;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolvePort();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Runs a real nginx in the foreground on the test config; `stop()` ends it. */
export async function startNginx(config: EdgeConfig): Promise<{ stop: () => Promise<void> }> {
  const child = spawnService(requireBinary('nginx'), [
    '-p',
    config.dir,
    '-c',
    config.configPath,
    '-g',
    'daemon off;',
  ]);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  });
  try {
    await waitForPort(config.httpsPort, 10_000);
  } catch (error) {
    await stopProcess(child, 0);
    throw new Error(`nginx did not start: ${output || (error as Error).message}`);
  }
  return { stop: () => stopProcess(child) };
}

/** One HTTPS request that trusts only the test certificate. */
export function httpsCall(
  config: EdgeConfig,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolveCall, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: config.httpsPort,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: config.certPem,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolveCall({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}
