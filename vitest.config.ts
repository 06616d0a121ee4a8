import { defineConfig } from 'vitest/config';

/**
 * One vitest run over every workspace member. Each folder below is a project
 * named after its package; tests sit beside the code they specify.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'tooling/*',
      'examples/gateway',
      'examples/services/*',
      '!examples/services/*.*',
      'tests',
      'monitoring-templates',
    ],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
