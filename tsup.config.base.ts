import { defineConfig, type Options } from 'tsup';

/**
 * Shared build for every published package: ESM only, bundled `.d.ts`,
 * dependencies never bundled. A package's `tsup.config.ts` passes its entries.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    skipNodeModulesBundle: true,
    ...overrides,
  });
}
