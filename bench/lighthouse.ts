/**
 * Lighthouse 12 (mobile preset) against the production build: home, a letter, login.
 *
 *   npm run build && npm run lighthouse
 *
 * Starts `npm start` on a fresh embedded database with the demo letter, runs Lighthouse in the
 * system Chromium (CHROME_PATH, default /usr/bin/chromium) and prints the four category scores and
 * the compressed JavaScript each page loads. Nothing is asserted: these are figures for BENCHMARKS.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-lighthouse-"));
const port = 24_000 + Math.floor(Math.random() * 5_000);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  DATA_DIR: dataDir,
  PORT: String(port),
  APP_URL: `http://127.0.0.1:${port}`,
  SESSION_SECRET: "lighthouse-session-secret-0123456789abcdef",
  EMAIL_HASH_SECRET: "lighthouse-email-hash-secret-0123456789abcd",
  // The pages do not send mail; the worker stays out of the measurement.
  WORKER: "off",
};
const seeded = spawnSync(process.execPath, ["server/seed.js"], { env, stdio: "inherit" });
if (seeded.status !== 0) process.exit(1);
const [, ...args] = (JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string).split(/\s+/);
const server = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
process.on("exit", () => server.kill());
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const pages = [
  ["home", "/"],
  ["letter", "/letters/demo"],
  ["login", "/login"],
] as const;
const rows: string[] = [];
try {
  for (const [name, urlPath] of pages) {
    const result = await lighthouse(base + urlPath, { port: chrome.port, output: "json", logLevel: "error" });
    if (!result) throw new Error(`no result for ${urlPath}`);
    const { categories, audits } = result.lhr;
    const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
    const requests = (audits["network-requests"]?.details as { items?: { resourceType?: string; transferSize?: number; url: string }[] } | undefined)?.items ?? [];
    const scriptBytes = requests.filter((r) => r.resourceType === "Script").reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
    const consoleErrors = (audits["errors-in-console"]?.details as { items?: unknown[] } | undefined)?.items?.length ?? 0;
    rows.push(
      `| ${name} (${urlPath}) | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${score("seo")} | ${(scriptBytes / 1024).toFixed(1)} KB | ${consoleErrors} |`,
    );
  }
} finally {
  await chrome.kill();
  server.kill();
}
console.log("\n| page | performance | accessibility | best practices | SEO | JavaScript (compressed, transferred) | console errors |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
