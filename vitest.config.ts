import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // One migrated template database per run; every test file clones it.
    globalSetup: ["tests/global-setup.ts"],
    // Generous limits, not timing assertions: on a shared two-core machine under load a test that
    // takes 5 s idle can take ten times that. Nothing waits on a fixed sleep; hooks that fail,
    // fail their tests (tests/helpers/setup.ts).
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Two cores: two test files at a time (each with its own database and app) keep both busy
    // without making every file wait on the other's CPU.
    maxWorkers: 2,
    fileParallelism: true,
    pool: "forks",
  },
});
