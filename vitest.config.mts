import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    // Pulumi's closure serializer uses node:inspector, which is unavailable in worker threads.
    pool: "forks",
    // Both cores: the end-to-end and engine files are CPU-bound child processes, and vitest's
    // default on a 2-core machine is a single worker.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
