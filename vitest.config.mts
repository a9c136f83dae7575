import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests that keep no state in their process between files, so a worker runs one file after
 * another without starting afresh: each would otherwise pay again for its worker and for loading
 * Pulumi, undici and zod, seconds of CPU per file. Each component file installs its own mocks and
 * recorder; emulator and client files start their own servers and clients, and the clock drivers
 * count only requests to their own server. The provider, engine and end-to-end tests keep a process per file: they set
 * process-wide clocks, environment and child processes up.
 */
const SHARED_PROCESS_TESTS = [
  "test/components/**/*.test.ts",
  "test/emulator/**/*.test.ts",
  "test/client/**/*.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    // Processes, not worker threads: some tests change the working directory, which a worker
    // thread may not.
    pool: "forks",
    // Both cores: the end-to-end and engine files are CPU-bound child processes, and vitest's
    // default on a 2-core machine is a single worker.
    maxWorkers: 2,
    // Bounds, not expectations: on a shared 2-core machine under heavy load, tests that run
    // Pulumi's runtime or serialize providers take three times as long as on a quiet one.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: "shared-process",
          include: SHARED_PROCESS_TESTS,
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "isolated",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...SHARED_PROCESS_TESTS],
        },
      },
    ],
  },
});
