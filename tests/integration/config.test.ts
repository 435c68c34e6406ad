import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/utils/env.server";
import { TEST_SECRETS } from "../helpers/app";
import { runToExit } from "../helpers/process";

describe("configuration", () => {
  it("refuses to start in production without SESSION_SECRET, naming it", async () => {
    const { code, output } = await runToExit("server/index.js", { NODE_ENV: "production", EMAIL_HASH_SECRET: TEST_SECRETS.EMAIL_HASH_SECRET });
    expect(code).toBe(1);
    expect(output).toContain("SESSION_SECRET is required when NODE_ENV=production");
    expect(output).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });

  it("refuses to start the worker in production without EMAIL_HASH_SECRET, naming it", async () => {
    const { code, output } = await runToExit("server/worker.js", { NODE_ENV: "production", SESSION_SECRET: TEST_SECRETS.SESSION_SECRET });
    expect(code).toBe(1);
    expect(output).toContain("EMAIL_HASH_SECRET is required when NODE_ENV=production");
  });

  it("refuses production without SMTP_URL where mail is sent: the mail directory is for development", async () => {
    const secrets = { NODE_ENV: "production", ...TEST_SECRETS };
    expect(() => loadConfig({ ...secrets, DATA_DIR: tmpdir() })).toThrow(/SMTP_URL is required when NODE_ENV=production/);
    expect(loadConfig({ ...secrets, DATA_DIR: tmpdir(), WORKER: "off" }).smtpUrl).toBeNull(); // a web process that sends nothing
    const { code, output } = await runToExit("server/worker.js", secrets);
    expect(code).toBe(1);
    expect(output).toContain("SMTP_URL is required");
  });

  it("names the variable at fault when a value is malformed", () => {
    expect(() => loadConfig({ NODE_ENV: "production", ...TEST_SECRETS, SMTP_URL: "smtp://localhost:25", APP_URL: "not a url" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...TEST_SECRETS, PORT: "eighty", DATA_DIR: tmpdir() })).toThrow(/PORT/);
    expect(() => loadConfig({ NODE_ENV: "production", SESSION_SECRET: "short", EMAIL_HASH_SECRET: TEST_SECRETS.EMAIL_HASH_SECRET })).toThrow(
      /SESSION_SECRET: must be at least 32/,
    );
  });

  it("in development, generates secrets once and keeps them under DATA_DIR", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-config-"));
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, "secrets.json");
    expect(existsSync(file)).toBe(true);
    expect(first.sessionSecret).toHaveLength(64);
    expect(JSON.parse(readFileSync(file, "utf8")).sessionSecret).toBe(first.sessionSecret);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.emailHashSecret).toBe(first.emailHashSecret);
  });

  it("takes its defaults from DESIGN.md and derives cookie security from APP_URL", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-config-"));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 3000, appUrl: "http://localhost:3000", workerEnabled: true, rateLimitsEnabled: true, secureCookies: false });
    expect(config.mailDir).toBe(path.join(dataDir, "mail"));
    const https = loadConfig({ DATA_DIR: dataDir, APP_URL: "https://letters.example.org/", WORKER: "off", RATE_LIMITS: "off" });
    expect(https).toMatchObject({ appUrl: "https://letters.example.org", secureCookies: true, workerEnabled: false, rateLimitsEnabled: false });
  });
});
