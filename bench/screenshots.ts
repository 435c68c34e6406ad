/**
 * Regenerates docs/screenshots/: the public pages at 375 px and 1280 px, light and dark, from the
 * production build on a fresh embedded database (the demo letter with a few hundred signatures).
 *
 *   npm run build && npm run screenshots
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { connect } from "../db/connection";
import { seedSignatures } from "../db/seed";

const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-screens-"));
const port = 25_000 + Math.floor(Math.random() * 5_000);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  DATA_DIR: dataDir,
  PORT: String(port),
  APP_URL: `http://127.0.0.1:${port}`,
  SESSION_SECRET: "screenshots-session-secret-0123456789abcdef",
  EMAIL_HASH_SECRET: "screenshots-email-hash-secret-0123456789ab",
  WORKER: "off",
};
if (spawnSync(process.execPath, ["server/seed.js"], { env, stdio: "inherit" }).status !== 0) process.exit(1);
// A letter with some life in it: 320 signatures over its first days.
{
  const { db } = connect({ pgliteDir: path.join(dataDir, "pglite") });
  await seedSignatures(db, "demo", 320);
  await db.destroy();
}
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

const out = "docs/screenshots";
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  for (const [name, urlPath] of [["home", "/"], ["letter", "/letters/demo"], ["login", "/login"], ["privacy", "/privacy"]] as const) {
    for (const width of [375, 1280]) {
      for (const scheme of ["light", "dark"] as const) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
        await page.goto(base + urlPath, { waitUntil: "networkidle" });
        await page.screenshot({ path: `${out}/${name}-${width}-${scheme}.png`, fullPage: width === 1280 });
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`screenshots written to ${out}/`);
