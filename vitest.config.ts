import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * One vitest run over every workspace member. Each folder below is a project
 * named after its package; tests sit beside the code they specify. Projects
 * are listed explicitly with `extends: true` so they inherit the timeouts
 * below (globbed projects would fall back to vitest's 5 s defaults).
 */
const memberDirs = [
  ...['packages', 'tooling', 'examples/services'].flatMap((parent) =>
    readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name)),
  ),
  'examples/gateway',
  'tests',
  'monitoring-templates',
].filter((dir) => existsSync(join(repoRoot, dir, 'package.json')));

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    projects: memberDirs.map((dir) => ({
      extends: true,
      test: {
        name: JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')).name as string,
        root: join(repoRoot, dir),
        include: ['**/*.test.ts'],
        exclude: ['**/node_modules/**', '**/dist/**'],
      },
    })),
  },
});
