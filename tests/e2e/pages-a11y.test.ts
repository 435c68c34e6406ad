import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { linkPath, startTestApp, type TestApp } from "../helpers/app";
import { artifactPath, browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";

describe.skipIf(browserSkipReason)(`every page in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let browser: BrowserContext;
  let letter: { id: string; slug: string };

  setupAll(async () => {
    app = await startTestApp({ realAppUrl: true });
    letter = await createOpenLetter(app.services.db, { title: "Live letter", goal: 50 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("passes axe on login, check-inbox, withdraw, dashboard, new letter, preview, 404 and dev mail; the organizer pages at 375 and 1280 px, light and dark", async () => {
    const page = await browser.newPage();
    const visit = async (path: string) => {
      await page.goto(app.url + path);
      await expectNoAxeViolations(page);
    };
    /** An organizer page at a phone's and a desktop's width, light and dark: axe on each, and a screenshot. */
    const visitEverywhere = async (path: string, name: string) => {
      await page.goto(app.url + path);
      for (const width of [375, 1280]) {
        for (const colorScheme of ["light", "dark"] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme });
          await expectNoAxeViolations(page);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width}`).toBeLessThanOrEqual(width);
          await page.screenshot({ path: artifactPath(`${name}-${width}-${colorScheme}.png`), fullPage: true });
        }
      }
      await page.emulateMedia({ colorScheme: "light" });
    };
    await visit("/login");
    await visit(`/letters/${letter.slug}/check-inbox`);
    await visit("/letters/no-such-letter");
    await page.goto(`${app.url}/letters/${letter.slug}`);
    await page.getByLabel("Your name").fill("Axe Signer");
    await page.getByLabel("Work email").fill("axe.signer@example.com");
    await page.getByLabel("Count me anonymously: my name is not kept").check();
    await page.getByRole("button", { name: "Sign and send me the confirmation link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("axe.signer@example.com").length === 1);
    const mail = app.smtp.to("axe.signer@example.com")[0]!;
    await visit(linkPath(mail.links, "/withdraw/"));
    await page.getByRole("button", { name: "Withdraw the signature" }).click();
    await page.getByRole("heading", { name: "Done" }).waitFor();
    await expectNoAxeViolations(page);

    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill("axe.organizer@example.net");
    await page.getByRole("button", { name: "Send me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
    await expectNoAxeViolations(page);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("axe.organizer@example.net").length === 1);
    await visit(linkPath(app.smtp.to("axe.organizer@example.net")[0]!.links, "/login/"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Your letters" }).waitFor();
    await expectNoAxeViolations(page);
    await visit("/letters/new");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Please correct the highlighted fields.").waitFor();
    await expectNoAxeViolations(page);
    const organizerId = (await app.services.db.selectFrom("sessions").select("organizer_id").executeTakeFirstOrThrow()).organizer_id;
    await app.services.db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: organizerId }).execute();
    await visitEverywhere("/letters/new", "editor");
    await visitEverywhere("/dashboard", "dashboard");
    await visitEverywhere(`/dashboard/letters/${letter.id}`, "dashboard-letter");
    await visitEverywhere(`/dashboard/letters/${letter.id}/moderation`, "moderation");
    await visitEverywhere(`/dashboard/letters/${letter.id}/close`, "close-review");
    await visitEverywhere(`/dashboard/letters/${letter.id}/packet`, "packet");
    await visit(`/dashboard/letters/${letter.id}/preview`);
    // The mail viewer exists only without SMTP: a development app of its own, with one message in it.
    const dev = await startTestApp({ realAppUrl: true, env: { SMTP_URL: "" } });
    try {
      const devLetter = await createOpenLetter(dev.services.db, { title: "Dev mail letter" });
      expect((await dev.post(`/letters/${devLetter.slug}`, { name: "Mail", email: "dev.mail@example.com", visibility: "anonymous" })).status).toBe(303);
      await dev.deliverMail();
      const response = await page.goto(`${dev.url}/dev/mail`);
      expect(response!.status()).toBe(200);
      await page.getByText("Please confirm your email address").first().waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await dev.close();
    }
  });

  it("refreshes the count by itself every few seconds when JavaScript runs", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/letters/${letter.slug}`);
    const initial = Number(await page.getByTestId("verified-count").textContent());
    await insertSignatures(app.services.db, letter.id, Array.from({ length: 3 }, () => ({})));
    await expect
      .poll(async () => Number(await page.getByTestId("verified-count").textContent()), { timeout: 20_000, interval: 500 })
      .toBe(initial + 3);
  }, 30_000);
});
