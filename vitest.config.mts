import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    // Pulumi's closure serializer uses node:inspector, which is unavailable in worker threads.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
