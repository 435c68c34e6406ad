import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { linkPath, startTestApp, type TestApp } from "../helpers/app";
import { artifactPath, browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";

describe.skipIf(browserSkipReason)(`signing in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let browser: BrowserContext;
  let noJs: BrowserContext;
  let slug: string;

  setupAll(async () => {
    app = await startTestApp({ realAppUrl: true });
    const letter = await createOpenLetter(app.services.db, { title: "Stop the surveillance contract", goal: 100 });
    slug = letter.slug;
    await insertSignatures(app.services.db, letter.id, [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `Colleague ${i}`, jobTitle: "Engineer", confirmedAt: new Date(Date.now() - (12 - i) * 3_600_000) })),
      ...Array.from({ length: 6 }, () => ({ visibility: "anonymous" as const, domain: "example.org" })),
    ]);
    await app.services.db.insertInto("letter_updates").values({ letter_id: letter.id, body: "Leadership agreed to **meet** us." }).execute();
    browser = await launchBrowser();
    noJs = await launchBrowser({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await browser?.close();
    await noJs?.close();
    await app?.close();
  });

  const count = async (page: Page) => Number((await page.getByTestId("verified-count").textContent())!.replace(/,/g, ""));
  const mailFor = async (email: string, n = 1) => {
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to(email).length >= n);
    return app.smtp.to(email)[n - 1]!;
  };

  it("signs, follows the mailed link, confirms and sees the count rise; withdraws and sees it fall", async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(`${app.url}/letters/${slug}`);
    const before = await count(page);
    await page.getByLabel("Your name").fill("Browser Signer");
    await page.getByLabel("Work email").fill("browser.signer@example.com");
    await page.getByLabel("Show my name (and job title)").check();
    await page.getByRole("button", { name: "Sign and send me the confirmation link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();

    const mail = await mailFor("browser.signer@example.com");
    await page.goto(app.url + linkPath(mail.links, "/verify/"));
    await page.getByText("Stop the surveillance contract").first().waitFor();
    await expectNoAxeViolations(page);
    // What was typed on the letter page comes back as editable fields.
    expect(await page.getByLabel("Your name").inputValue()).toBe("Browser Signer");
    for (const [width, name] of [[375, "confirm-375.png"], [1280, "confirm-1280.png"]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: artifactPath(name), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: "dark" });
    await expectNoAxeViolations(page);
    await page.screenshot({ path: artifactPath("confirm-375-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.getByRole("button", { name: "Confirm my signature" }).click();
    await page.getByRole("heading", { name: "Your signature is confirmed" }).waitFor();
    expect(await count(page)).toBe(before + 1);
    await page.getByText("You chose to be named").waitFor();
    // A share block, not a bare URL: the letter's link to copy, plain links to mail and networks, no
    // third-party script loaded (every request this page made stayed on our origin).
    const share = page.getByRole("region", { name: "Ask your colleagues to sign" });
    expect(await share.getByLabel("Link to the letter").inputValue()).toBe(`${app.url}/letters/${slug}`);
    expect(await share.getByRole("link", { name: "Email" }).getAttribute("href")).toMatch(/^mailto:\?subject=/);
    expect(await share.getByRole("link", { name: "LinkedIn" }).getAttribute("href")).toContain(encodeURIComponent(`${app.url}/letters/${slug}`));
    await share.getByRole("button", { name: "Copy the link" }).click();
    await share.getByRole("status").filter({ hasText: /Copied|Could not copy/ }).waitFor();
    expect(requested.filter((u) => !u.startsWith(app.url))).toEqual([]);
    await expectNoAxeViolations(page);

    // A fresh URL: the browser rightly keeps the public page for a few seconds.
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    await page.goto(`${app.url}/letters/${slug}?fresh=confirm`);
    expect(await count(page)).toBe(before + 1);
    await page.getByText("Browser Signer").waitFor();

    await page.goto(app.url + linkPath(mail.links, "/withdraw/"));
    await page.getByRole("button", { name: "Withdraw the signature" }).click();
    await page.getByRole("heading", { name: "Done" }).waitFor();
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    await page.goto(`${app.url}/letters/${slug}?fresh=withdraw`);
    expect(await count(page)).toBe(before);
    expect(await page.getByText("Browser Signer").count()).toBe(0);
  });

  it("passes axe on the home page and on a letter page with signers, updates and chart; saves screenshots", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await expectNoAxeViolations(page);
    for (const [width, name] of [[375, "letter-375.png"], [1280, "letter-1280.png"]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${app.url}/letters/${slug}`);
      await page.locator("figure.chart svg").waitFor();
      await page.getByText("Leadership agreed to").waitFor();
      await page.getByText("Colleague 0").waitFor();
      await expectNoAxeViolations(page);
      // Nothing overflows sideways on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: artifactPath(name), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: "dark" });
    await expectNoAxeViolations(page);
    await page.screenshot({ path: artifactPath("letter-1280-dark.png"), fullPage: true });
  });

  it("lays the letter out for the screen: count and a Sign button on a phone's first screen, a side panel that stays in view on a desktop", async () => {
    const page = await browser.newPage();
    const top = (selector: string) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().top);
    // A phone: the count and the jump to the form within the first screen, then the letter, then the form.
    await page.setViewportSize({ width: 375, height: 667 });
    await page.goto(`${app.url}/letters/${slug}`);
    const jump = page.getByRole("link", { name: "Sign this letter" });
    const jumpBox = (await jump.boundingBox())!;
    expect(jumpBox.y + jumpBox.height).toBeLessThanOrEqual(667);
    expect(await top("[data-testid=verified-count]")).toBeLessThan(await top(".letter-body"));
    expect(await top(".letter-body")).toBeLessThan(await top("#demands-heading"));
    expect(await top("#demands-heading")).toBeLessThan(await top("#sign"));
    await jump.click();
    await page.waitForFunction(() => Math.abs(document.getElementById("sign")!.getBoundingClientRect().top) < 5);
    await page.screenshot({ path: artifactPath("letter-375-first-screen.png") });

    // A desktop: the letter on the left; count, progress, form and sharing on the right, still in
    // view when the reader has scrolled down to the signers.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/letters/${slug}`);
    const body = (await page.locator(".letter-body").boundingBox())!;
    for (const part of ["[data-testid=verified-count]", "progress", "#sign"]) {
      const box = (await page.locator(part).boundingBox())!;
      expect(box.x, part).toBeGreaterThan(body.x + body.width);
    }
    expect(await page.locator(".letter-side").getByRole("button", { name: "Copy the link" }).count()).toBe(1);
    // The form is right beside the count: no jump button there.
    expect(await jump.isVisible()).toBe(false);
    await page.getByRole("heading", { name: "Who signed" }).scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    const stuck = await top("[data-testid=verified-count]");
    expect(stuck).toBeGreaterThanOrEqual(0);
    expect(stuck).toBeLessThan(200);
    await page.screenshot({ path: artifactPath("letter-1280-scrolled.png") });
    await expectNoAxeViolations(page);
  });

  it("shows errors at their fields, with JavaScript (shared schema, loaded when the form is first used) and without (server), and passes axe", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    const scripts: string[] = [];
    page.on("request", (r) => r.resourceType() === "script" && scripts.push(r.url()));
    await page.goto(`${app.url}/letters/${slug}`);
    await page.waitForLoadState("networkidle");
    // The validation rules (and zod) are not part of the page: they come when someone starts signing.
    expect(scripts.filter((u) => u.includes("/validation-"))).toEqual([]);
    const posts: string[] = [];
    page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    const rules = page.waitForResponse((r) => r.url().includes("/validation-"));
    await page.getByLabel("Work email").fill("someone@gmail.com");
    await rules;
    await page.getByLabel("Show my name (and job title)").check();
    await page.getByRole("button", { name: "Sign and send me the confirmation link" }).click();
    await page.locator("#name-error").waitFor();
    expect(await page.locator("#email-error").textContent()).toContain("Use your work address at example.com or example.org");
    expect(await page.getByLabel("Work email").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Work email").inputValue()).toBe("someone@gmail.com");
    expect(posts).toEqual([]); // the shared schema caught it in the browser
    // The summary at the top of the form has the focus and links to each field; invalid fields show it.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("error-summary");
    await page.getByRole("link", { name: /^Work email: Use your work address/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("email");
    expect(await page.getByLabel("Work email").evaluate((el) => getComputedStyle(el).borderTopWidth)).toBe("2px");
    // zod runs without eval (jitless): nothing the page's CSP refuses, so nothing in the console.
    expect(violations).toEqual([]);
    await expectNoAxeViolations(page);

    const plain = await noJs.newPage();
    await plain.goto(`${app.url}/letters/${slug}`);
    await plain.getByLabel("Your name").fill("Kept Name");
    await plain.getByLabel("Work email").fill("kept@evilexample.com");
    await plain.getByRole("button", { name: "Sign and send me the confirmation link" }).click();
    await plain.locator("#email-error").waitFor();
    // Without JavaScript the answer opens at the form, its summary in view.
    expect(new URL(plain.url()).hash).toBe("#sign");
    expect(await plain.locator(".error-summary").isVisible()).toBe(true);
    expect(await plain.getByLabel("Your name").inputValue()).toBe("Kept Name");
    // axe needs JavaScript: check the server-rendered error page in a JavaScript-enabled tab.
    const checker = await browser.newPage();
    await checker.goto(`${app.url}/letters/${slug}?axe=1`);
    await checker.setContent(await plain.content(), { waitUntil: "load" });
    await expectNoAxeViolations(checker);
  });

  it("keeps the whole figure block live: total, named and anonymous follow new signatures without a reload", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/letters/${slug}`);
    const before = await count(page);
    const split = async () => (await page.locator(".count-box .muted").first().textContent())!;
    const [named, anonymous] = (await split()).match(/\d+/g)!.map(Number);
    const letter = await app.services.db.selectFrom("letters").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    await insertSignatures(app.services.db, letter.id, [{ name: "Live Named" }, { visibility: "anonymous" }, { visibility: "anonymous" }]);
    app.services.cache.invalidate("");
    await page.waitForFunction((n) => document.querySelector("[data-testid=verified-count]")?.textContent === String(n), before + 3, { timeout: 20_000 });
    expect(await split()).toBe(`${named! + 1} named · ${anonymous! + 2} anonymous`);
  });

  it("signs without JavaScript, keyboard only, end to end", async () => {
    const page = await noJs.newPage();
    await page.goto(`${app.url}/letters/${slug}`);
    await page.getByLabel("Work email").focus();
    await page.keyboard.type("keyboard.only@example.org");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Keyboard Only");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Analyst");
    await page.keyboard.press("Tab"); // the first radio of the group
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();

    const mail = await mailFor("keyboard.only@example.org");
    await page.goto(app.url + linkPath(mail.links, "/verify/"));
    await page.getByRole("button", { name: "Confirm my signature" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your signature is confirmed" }).waitFor();
    const row = await app.services.db.selectFrom("signatures").select(["status", "name", "job_title"]).where("name", "=", "Keyboard Only").executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "confirmed", name: "Keyboard Only", job_title: "Analyst" });
  });
});
