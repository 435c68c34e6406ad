/**
 * Regenerates docs/screenshots/: the public pages at 375 px and 1280 px, light and dark, from the
 * production build on a fresh embedded database (the demo letter with a few hundred signatures).
 *
 *   npm run build && npm run screenshots
 */
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { connect } from "../db/connection";
import { seedSignatures } from "../db/seed";
import { CHROMIUM_FLAGS, serveDemo } from "./serve";

// A letter with some life in it: 320 signatures.
const server = await serveDemo("screenshots", async (pgliteDir) => {
  const { db } = connect({ pgliteDir });
  await seedSignatures(db, "demo", 320);
  await db.destroy();
});
const base = server.url;

const out = "docs/screenshots";
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: CHROMIUM_FLAGS,
});
try {
  for (const [name, urlPath] of [["home", "/"], ["letter", "/letters/demo"], ["login", "/login"], ["privacy", "/privacy"], ["poster", "/letters/demo/poster"], ["embed", "/letters/demo/embed"]] as const) {
    for (const width of [375, 1280]) {
      for (const scheme of ["light", "dark"] as const) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
        await page.goto(base + urlPath, { waitUntil: "networkidle" });
        // The letter's side panel stays in view (and scrolls within itself) on a desktop, which a
        // full-page capture would cut: the first screen, then the same page scrolled to its chart.
        const fullPage = width === 1280 && name !== "letter";
        await page.screenshot({ path: `${out}/${name}-${width}-${scheme}.png`, fullPage });
        if (name === "letter" && width === 1280) {
          await page.locator("#growth-heading").evaluate((e) => e.scrollIntoView());
          await page.screenshot({ path: `${out}/${name}-scrolled-${width}-${scheme}.png` });
        }
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`screenshots written to ${out}/`);
