import { defineConfig } from "vitest/config";

// The tests Stryker runs against each mutant (stryker.config.mjs): those that exercise the mutated
// modules directly. No browser, no built app: fast enough to run once per mutant.
export default defineConfig({
  test: {
    include: [
      "tests/unit/validation.test.ts",
      "tests/unit/validation-messages.test.ts",
      "tests/unit/emails.test.ts",
      "tests/unit/crypto.test.ts",
      "tests/integration/signature-model.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
