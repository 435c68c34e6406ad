// @ts-check
// `npm run test:mutation`: mutation testing of the modules signer safety rests on. Each mutant (a
// small change to the code) must make some test fail; the score is the share that did. Reports go
// to reports/mutation/. Not in CI: it takes minutes (see README).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: ["app/validation.ts", "app/utils/crypto.server.ts", "emails/*.ts", "app/models/signature.server.ts"],
  coverageAnalysis: "perTest",
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  thresholds: { high: 90, low: 80, break: 80 },
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["build", "public/build", "data", "test-artifacts", "reports", ".cache", "bench", ".stryker-tmp"],
};
