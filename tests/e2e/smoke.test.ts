import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { seedDemo } from "../../db/seed";
import { startTestApp, type TestApp } from "../helpers/app";
import { browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";

describe.skipIf(browserSkipReason)(`browser smoke${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let browser: BrowserContext;
  setupAll(async () => {
    app = await startTestApp();
    await seedDemo(app.services.db);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("renders the home page and hydrates it, with no CSP violation", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(app.url + "/");
    expect(await page.textContent("h1")).toContain("Open letters");
    // Hydrated: Remix's client router is live and a link navigates without a full load.
    await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized === true);
    await page.click("text=Cancel the border surveillance contract");
    await page.waitForURL("**/letters/demo");
    await page.getByRole("heading", { level: 1, name: "Cancel the border surveillance contract" }).waitFor();
    expect(problems).toEqual([]);
    await expectNoAxeViolations(page);
  });
});
