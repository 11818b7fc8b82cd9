import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __ALLOW_LOOPBACK_STRIPE__: 'true', __TEST_HOOKS__: 'true' },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'server', include: ['test/server/**/*.test.ts'], environment: 'node', testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Browsers driven over CDP and WebDriver BiDi occasionally stall (seen with headless
          // Firefox); a test that fails three times in a row fails the run.
          retry: 2,
          fileParallelism: false,
        },
      },
    ],
  },
});
