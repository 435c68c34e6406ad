import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { startTestApp, type TestApp } from "../helpers/app";
import { loginAs } from "../helpers/auth";
import { artifactPath, browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";
import { createOpenLetter } from "../helpers/fixtures";

describe.skipIf(browserSkipReason)(`moderation in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let visitor: BrowserContext;
  let operator: BrowserContext;
  let letter: { slug: string };
  setupAll(async () => {
    app = await startTestApp({ realAppUrl: true, env: { OPERATOR_EMAILS: "ops@site.test" } });
    letter = await createOpenLetter(app.services.db, { title: "A letter someone reports" });
    visitor = await launchBrowser();
    operator = await launchBrowser();
    const [name, value] = (await loginAs(app, "ops@site.test")).split("=") as [string, string];
    await operator.addCookies([{ name, value, url: app.url }]);
  });
  afterAll(async () => {
    await visitor?.close();
    await operator?.close();
    await app?.close();
  });

  it("reports a letter, takes it down to a tombstone with its reason, and restores it", async () => {
    const page = await visitor.newPage();
    await page.goto(`${app.url}/letters/${letter.slug}`);
    await page.getByRole("link", { name: "Report this letter" }).click();
    await page.getByRole("heading", { name: "Report this letter" }).waitFor();
    await expectNoAxeViolations(page);
    await page.getByLabel("What is wrong").fill("It pretends to speak for a union that never wrote it.");
    await page.getByRole("button", { name: "Send the report" }).click();
    await page.getByRole("heading", { name: "Thank you" }).waitFor();

    const admin = await operator.newPage();
    await admin.goto(`${app.url}/admin`);
    await admin.getByText("It pretends to speak for a union that never wrote it.").waitFor();
    await expectNoAxeViolations(admin);
    await admin.getByLabel("Public reason to take down A letter someone reports").fill("Impersonates a union");
    await admin.getByRole("button", { name: "Take down" }).click();
    await admin.getByText("The letter is taken down: its page shows the reason.").waitFor();
    await admin.screenshot({ path: artifactPath("admin-1280.png"), fullPage: true });

    // A fresh URL: the browser rightly keeps the public page for a few seconds (Cache-Control).
    const tombstone = await page.goto(`${app.url}/letters/${letter.slug}?fresh=takedown`);
    expect(tombstone!.status()).toBe(410);
    await page.getByRole("heading", { name: "This letter was taken down" }).waitFor();
    expect(await page.getByTestId("tombstone").textContent()).toContain("Reason: Impersonates a union");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: artifactPath("tombstone-1280.png"), fullPage: true });

    await admin.getByRole("button", { name: "Restore A letter someone reports" }).click();
    await admin.getByText("The letter is restored.").waitFor();
    expect((await page.goto(`${app.url}/letters/${letter.slug}?fresh=restore`))!.status()).toBe(200);
    await page.getByRole("heading", { name: "A letter someone reports" }).waitFor();
  });
});
