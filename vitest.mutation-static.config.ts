// The unit tests of app/validation.ts, for stryker.static.config.mjs.
import { defineConfig } from "vitest/config";
export default defineConfig({ test: { include: ["tests/unit/validation.test.ts", "tests/unit/validation-messages.test.ts"], testTimeout: 30_000 } });
