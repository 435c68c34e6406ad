/**
 * Lighthouse 12 (mobile preset) against the production build: home, a letter, login.
 *
 *   npm run build && npm run lighthouse
 *
 * Starts `npm start` on a fresh embedded database with the demo letter, runs Lighthouse in the
 * system Chromium (CHROME_PATH, default /usr/bin/chromium) and prints the four category scores and
 * the compressed JavaScript each page loads. Nothing is asserted: these are figures for BENCHMARKS.md.
 */
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { CHROMIUM_FLAGS, serveDemo } from "./serve";

const server = await serveDemo("lighthouse");
const base = server.url;

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: CHROMIUM_FLAGS,
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
  server.stop();
}
console.log("\n| page | performance | accessibility | best practices | SEO | JavaScript (compressed, transferred) | console errors |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
