import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How to install each external program the tests use, shown when it is missing. */
const INSTALL_HINTS: Record<string, string> = {
  'redis-server':
    'Install it with `apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS). `npm test` installs it by itself when run as root on Debian.',
  'redis-cli':
    'It comes with redis-server: `apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).',
  promtool:
    'Install it with `apt-get install -y prometheus` (Debian/Ubuntu) or `brew install prometheus` (macOS).',
  amtool:
    'Install it with `apt-get install -y prometheus-alertmanager` (Debian/Ubuntu) or `brew install alertmanager` (macOS).',
  prometheus:
    'Install it with `apt-get install -y prometheus` (Debian/Ubuntu) or `brew install prometheus` (macOS).',
  nginx:
    'Install it with `apt-get install -y nginx-light` (Debian/Ubuntu) or `brew install nginx` (macOS).',
  python3: 'Install Python 3 (`apt-get install -y python3`).',
};

/** Extra places Debian puts server binaries that are not on a normal user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Where `name` is on this machine, or `undefined`. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Thrown when a test needs a program this machine does not have. */
export class MissingBinaryError extends Error {
  readonly binary: string;
  constructor(binary: string) {
    const hint = INSTALL_HINTS[binary] ?? `Install \`${binary}\` and put it on PATH.`;
    super(`This test needs \`${binary}\`, which is not installed. ${hint}`);
    this.name = 'MissingBinaryError';
    this.binary = binary;
  }
}

/**
 * The path of `name`, or a {@link MissingBinaryError} that says how to install
 * it. Tests never skip silently when a service is missing: they fail with
 * this message, under CI and locally alike.
 */
export function requireBinary(name: string): string {
  const found = findBinary(name);
  if (found === undefined) throw new MissingBinaryError(name);
  return found;
}
