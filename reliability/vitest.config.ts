import { defineConfig } from 'vitest/config';

/**
 * The reliability suite runs on its own (`pnpm test:reliability`): its tests
 * start whole systems (replicas, nginx, Redis Cluster) and must not compete
 * for the two cores with the unit suite. Files run one at a time.
 */
export default defineConfig({
  test: {
    name: '@portcullis/reliability',
    include: ['src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
  },
});
