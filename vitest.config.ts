import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database; a few at a time keeps PGlite's memory in check.
    maxWorkers: 3,
    fileParallelism: true,
    pool: "forks",
  },
});
