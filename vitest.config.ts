import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code under src/; e2e/ belongs to Playwright. Two projects, one run
// (`npm test` counts both): main, shared and scripts under Node; the renderer's component tests in happy-dom, the
// real pages over the real handlers (src/renderer/src/testing).
export default defineConfig({
  test: {
    exclude: ['e2e/**', 'node_modules/**', 'out/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['src/main/testing/temp-root.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          include: ['src/renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['src/renderer/src/testing/setup.ts'],
        },
      },
    ],
  },
});
