// Packs every published package the way `pnpm publish` would (publishConfig
// applied, workspace: ranges replaced) so checks and consumer tests see the
// real artifacts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Folders of the published packages, `packages/*` with a non-private package.json. */
export function publishedPackageDirs() {
  const base = join(repoRoot, 'packages');
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => {
      try {
        return !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private;
      } catch {
        return false;
      }
    });
}

/** Packs every published package into `destination`; returns `[{ dir, name, tarball }]`. */
export function packAll(destination, pnpm = 'pnpm') {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  return publishedPackageDirs().map((dir) => {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const before = new Set(readdirSync(destination));
    execFileSync(pnpm, ['pack', '--pack-destination', destination], { cwd: dir, stdio: 'pipe' });
    const tarball = readdirSync(destination).find(
      (file) => !before.has(file) && file.endsWith('.tgz'),
    );
    if (!tarball) throw new Error(`pnpm pack produced no tarball for ${name}`);
    return { dir, name, tarball: join(destination, tarball) };
  });
}
