import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

describe("setupAll", () => {
  it("reports the tests of a failed setup as failed, with the setup's error, never as skipped", async () => {
    const result = await promisify(execFile)(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--config", "tests/fixtures/vitest.fixture.config.ts", "--reporter", "json"],
      { env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 10 * 1024 * 1024 },
    ).catch((error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }));
    expect((result as { code?: number }).code).toBe(1);
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
    const tests = report.testResults.flatMap((f: { assertionResults: { status: string; failureMessages: string[] }[] }) => f.assertionResults);
    expect(tests.map((t: { status: string }) => t.status)).toEqual(["failed", "failed"]);
    expect(tests[0].failureMessages.join("\n")).toContain("setup failed: the database did not start");
  }, 120_000);
});
