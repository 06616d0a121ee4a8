// Makes a fresh machine (Node.js 20 + npm only) ready to run Portcullis:
// pnpm at the pinned version, the workspace installed, and the system
// programs the tests use. Uses only Node built-ins: it runs before install.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
const pinned = JSON.parse(
  readFileSync(join(repoRoot, 'package.json'), 'utf8'),
).packageManager.split('@')[1];

/** System programs the test suite needs, and the Debian package of each. */
export const SYSTEM_PROGRAMS = [
  { program: 'redis-server', apt: 'redis-server', brew: 'redis' },
  { program: 'redis-cli', apt: 'redis-server', brew: 'redis' },
  { program: 'promtool', apt: 'prometheus', brew: 'prometheus' },
  { program: 'prometheus', apt: 'prometheus', brew: 'prometheus' },
  { program: 'amtool', apt: 'prometheus-alertmanager', brew: 'alertmanager' },
  { program: 'nginx', apt: 'nginx-light', brew: 'nginx' },
  { program: 'pg_ctlcluster', apt: 'postgresql', brew: 'postgresql@15' },
  { program: 'python3', apt: 'python3', brew: 'python' },
];

export function log(message) {
  process.stderr.write(`[portcullis] ${message}\n`);
}

export function which(program) {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/sbin',
    '/usr/bin',
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {}
  }
  return undefined;
}

/** The command that runs the pinned pnpm: a global one if it matches, else npx. */
export function pnpmCommand() {
  if (which('pnpm')) {
    const version = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (version === pinned) return ['pnpm'];
  }
  return ['npx', '--yes', `pnpm@${pinned}`];
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function runPnpm(args, options = {}) {
  const [command, ...prefix] = pnpmCommand();
  return run(command, [...prefix, ...args], options);
}

/** Installs the workspace when node_modules is missing or older than the lockfile. */
export function ensureWorkspaceInstalled() {
  const marker = join(repoRoot, 'node_modules', '.modules.yaml');
  const lock = join(repoRoot, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log(`installing the workspace with pnpm ${pinned}`);
  const status = runPnpm(['install', '--frozen-lockfile']);
  if (status !== 0) throw new Error(`pnpm install failed with exit code ${status}`);
}

/**
 * Makes sure every system program is present. As root on Debian it installs
 * what is missing with apt-get; anywhere else it says exactly what to run.
 */
export function ensureSystemPrograms(needed = SYSTEM_PROGRAMS) {
  const missing = needed.filter(({ program }) => !which(program));
  if (missing.length === 0) return;
  const aptPackages = [...new Set(missing.map((m) => m.apt))];
  const isRoot = process.getuid?.() === 0;
  if (isRoot && which('apt-get')) {
    log(`installing ${aptPackages.join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run('apt-get', ['update', '-qq'], { env }) !== 0 ||
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...aptPackages], {
        env,
      }) !== 0
    ) {
      throw new Error(`apt-get could not install ${aptPackages.join(' ')}`);
    }
    // Debian starts these services on install; the tests start their own on free ports.
    for (const service of [
      'redis-server',
      'prometheus',
      'prometheus-alertmanager',
      'nginx',
      'postgresql',
    ]) {
      spawnSync('service', [service, 'stop'], { stdio: 'ignore' });
    }
    return;
  }
  const brew = [...new Set(missing.map((m) => m.brew))];
  throw new Error(
    `Missing programs the tests need: ${missing.map((m) => m.program).join(', ')}.\n` +
      `  Debian/Ubuntu: sudo apt-get install -y ${aptPackages.join(' ')}\n` +
      `  macOS:         brew install ${brew.join(' ')}\n`,
  );
}

export function buildPackages() {
  log('building the packages');
  const status = runPnpm(['build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (status !== 0) throw new Error(`pnpm build failed with exit code ${status}`);
}

export { execFileSync };
