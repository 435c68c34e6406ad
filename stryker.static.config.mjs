// @ts-check
// `npm run test:mutation:static`: app/validation.ts with its static mutants too (module-level code:
// schema definitions, the free-mail list), which the main run skips because each one re-runs every
// selected test. Here only the fast unit tests run, so all of them fit in a few minutes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm", testRunner: "vitest",
  vitest: { configFile: "vitest.mutation-static.config.ts", related: false },
  mutate: ["app/validation.ts"], coverageAnalysis: "perTest", ignoreStatic: false, concurrency: 2, timeoutMS: 20000,
  reporters: ["clear-text", "json"], jsonReporter: { fileName: "reports/mutation-static/mutation.json" },
  tempDirName: ".stryker-tmp", cleanTempDir: true,
  ignorePatterns: ["build", "public/build", "data", "test-artifacts", "reports", ".cache", "bench", ".stryker-tmp"],
};
