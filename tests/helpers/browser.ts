import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];

/** The Chromium to drive, or null. CI sets REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping. */
export const chromiumPath = CANDIDATES.find((p) => existsSync(p)) ?? null;
export const browserSkipReason = chromiumPath ? null : "no Chromium found (install `chromium` or set CHROMIUM_PATH)";
if (!chromiumPath && process.env.REQUIRE_BROWSER === "1") {
  throw new Error(`REQUIRE_BROWSER=1 but ${browserSkipReason}`);
}

// The flags this sandbox needs: no GPU, no sandbox as root, and no background network chatter.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  if (!chromiumPath) throw new Error(browserSkipReason!);
  // --user-data-dir in args is refused by playwright: a persistent context with a temp profile instead.
  const profile = mkdtempSync(path.join(tmpdir(), "undersigned-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: FLAGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  // Fail with a locator's name well inside the test's own timeout.
  context.setDefaultTimeout(8_000);
  return context;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and returns the violations. Evaluated over the DevTools protocol, so our CSP does not block it. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations as AxeViolation[];
}

export function artifactPath(name: string): string {
  const dir = path.resolve("test-artifacts");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** Zero axe violations, reported by rule and element when there are some. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  if (summary.length) throw new Error(`axe violations on ${page.url()}:\n${summary.join("\n")}`);
}
