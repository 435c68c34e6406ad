import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { postUpdate } from "../../app/models/letter-admin.server";
import { linkPath, startTestApp, type TestApp } from "../helpers/app";
import { artifactPath, browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";
import { createOpenLetter } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

describe.skipIf(browserSkipReason)(`news by email in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let browser: BrowserContext;
  let noJs: BrowserContext;
  let letter: { id: string; slug: string };

  setupAll(async () => {
    app = await startTestApp({ realAppUrl: true, env: { FANOUT_RATE_PER_SECOND: "1000" } });
    letter = await createOpenLetter(app.services.db, { title: "Publish the pay bands" });
    browser = await launchBrowser();
    noJs = await launchBrowser({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await noJs?.close();
    await app?.close();
  });

  const mailFor = async (email: string, n = 1) => {
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to(email).length >= n);
    return app.smtp.to(email)[n - 1]!;
  };

  for (const [label, context] of [["with JavaScript", () => browser], ["without JavaScript", () => noJs]] as const) {
    it(`signs, asks for news at a personal address, confirms it, gets an update and unsubscribes (${label})`, async () => {
      const tag = label.startsWith("with ") ? "js" : "nojs";
      // Axe runs as a script in the page: only where scripts run.
      const checkA11y = tag === "js" ? expectNoAxeViolations : async () => {};
      const work = `news.${tag}@example.com`;
      const home = `me.${tag}@home.test`;
      const page = await context().newPage();
      await page.goto(`${app.url}/letters/${letter.slug}`);
      await page.getByLabel("Your name").fill("News Reader");
      await page.getByLabel("Work email").fill(work);
      await page.getByLabel("Show my name (and job title)").check();
      await page.getByRole("button", { name: "Sign and send me the confirmation link" }).click();
      await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
      await page.goto(app.url + linkPath((await mailFor(work)).links, "/verify/"));
      await page.getByRole("button", { name: "Confirm my signature" }).click();
      await page.getByRole("heading", { name: "Your signature is confirmed" }).waitFor();

      const news = page.getByRole("region", { name: "Get news of this letter" });
      await news.getByText("Use a personal address").waitFor();
      // A mistyped address is refused with a message at the field.
      await news.getByLabel("Personal email").fill("not-an-address");
      await news.getByRole("button", { name: "Email me news" }).click();
      await page.getByRole("region", { name: "Get news of this letter" }).getByText(/valid email/i).waitFor();
      await page.getByRole("region", { name: "Get news of this letter" }).getByLabel("Personal email").fill(home);
      await page.getByRole("region", { name: "Get news of this letter" }).getByRole("button", { name: "Email me news" }).click();
      await page.getByRole("status").filter({ hasText: "Check that inbox" }).waitFor();
      await checkA11y(page);
      if (tag === "js") {
        for (const [width, scheme] of [[375, "light"], [1280, "dark"]] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme: scheme });
          await expectNoAxeViolations(page);
          await page.screenshot({ path: artifactPath(`news-optin-${width}-${scheme}.png`), fullPage: true });
        }
        await page.emulateMedia({ colorScheme: "light" });
      }

      const optIn = await mailFor(home);
      expect(optIn.subject).toBe("Confirm that you want news of a letter");
      await page.goto(app.url + linkPath(optIn.links, "/news/confirm/"));
      await page.getByRole("button", { name: "Yes, email me news" }).click();
      await page.getByRole("heading", { name: "You will get news of this letter" }).waitFor();
      await checkA11y(page);

      await postUpdate(app.services.db, letter.id, `Update for ${tag}.`, { appUrl: app.config.appUrl });
      await app.deliverNews();
      const update = app.smtp.to(home).find((m) => m.text.includes(`Update for ${tag}.`))!;
      expect(update.subject).toBe("The organizers posted an update: Publish the pay bands");
      await page.goto(app.url + linkPath(update.links, "/news/unsubscribe/"));
      await page.getByText("Stop emails about Publish the pay bands").waitFor();
      await checkA11y(page);
      await page.getByRole("button", { name: "Stop the emails" }).click();
      await page.getByRole("heading", { name: "No more news by email" }).waitFor();
      // Erased, not flagged: no row is left for this letter.
      expect(await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute()).toEqual([]);
      await page.close();
    });
  }
});
