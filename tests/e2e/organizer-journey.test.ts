import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { linkPath, startTestApp, type TestApp } from "../helpers/app";
import { artifactPath, browserSkipReason, expectNoAxeViolations, launchBrowser } from "../helpers/browser";

describe.skipIf(browserSkipReason)(`organizer journey in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ""}`, () => {
  let app: TestApp;
  let browser: BrowserContext;
  setupAll(async () => {
    app = await startTestApp({ realAppUrl: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("logs in by mailed link, drafts three demands, reorders, previews, publishes, updates and records delivery", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill("organizer@example.net");
    await page.getByRole("button", { name: "Send me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();

    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("organizer@example.net").length === 1);
    await page.goto(app.url + linkPath(app.smtp.to("organizer@example.net")[0]!.links, "/login/"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Your letters" }).waitFor();

    await page.getByRole("link", { name: "Draft a new letter" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Drop the drone contract");
    await page.getByLabel("Addressed to").fill("Dana Example, CEO");
    await page.getByLabel("Organization", { exact: true }).fill("Example Corp");
    await page.getByLabel("Letter", { exact: true }).fill("We build tools for *people*.");
    await page.getByLabel("Email domains that may sign").fill("example.com");
    // The text preview is the server's own rendering, fetched in place, and follows the typing.
    await page.getByRole("button", { name: "Preview the text" }).click();
    const preview = page.getByRole("region", { name: "Preview of the letter text" });
    expect(await preview.locator("em").textContent()).toBe("people");
    await page.getByLabel("Letter", { exact: true }).fill("We build tools for **everyone**.");
    await preview.locator("strong", { hasText: "everyone" }).waitFor();

    // With JavaScript, demands are added, moved and removed in place: no request until "Save draft".
    const posts: string[] = [];
    page.on("request", (r) => r.method() === "POST" && !r.postData()?.includes("preview-text") && posts.push(r.url()));
    await page.getByLabel("Kind of a new demand").selectOption("cancel_contract");
    await page.getByLabel("Add a demand").fill("First: cancel the contract");
    await page.getByRole("button", { name: "Add this demand" }).click();
    await page.getByLabel("Demand 1", { exact: true }).waitFor();
    // Focus is back in the empty row, ready for the next one.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("demandText-new");
    await page.getByLabel("Kind of a new demand").selectOption("policy");
    await page.getByLabel("Add a demand").fill("Second: adopt a policy");
    await page.getByRole("button", { name: "Add this demand" }).click();
    await page.getByLabel("Demand 2", { exact: true }).waitFor();
    await page.getByLabel("Kind of a new demand").selectOption("transparency");
    await page.getByLabel("Add a demand").fill("Third: publish contracts");
    await page.getByRole("button", { name: "Add this demand" }).click();
    await page.getByLabel("Demand 3", { exact: true }).waitFor();
    await page.getByLabel("Add a demand").fill("A fourth, to remove");
    await page.getByRole("button", { name: "Add this demand" }).click();
    await page.getByRole("button", { name: "Remove demand 4" }).click();
    expect(await page.getByLabel("Demand 4", { exact: true }).count()).toBe(0);

    await page.getByRole("button", { name: "Move up demand 3" }).click();
    await expect.poll(() => page.getByLabel("Demand 2", { exact: true }).inputValue()).toBe("Third: publish contracts");
    // The focus stays with the demand that moved.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Move up demand 2");
    await page.getByRole("status").filter({ hasText: "Demand moved to position 2 of 3. Not saved yet." }).waitFor();
    await page.getByText("Changes not saved yet.").waitFor();
    expect(posts).toEqual([]);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: artifactPath("editor-1280.png"), fullPage: true });

    // Saving answers beside the button that was pressed.
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved. Nothing is public until you publish.").waitFor();
    expect(posts).toHaveLength(1);
    expect(await page.getByLabel("Demand 2", { exact: true }).inputValue()).toBe("Third: publish contracts");

    await page.getByRole("link", { name: "Preview the public page" }).click();
    await page.getByText("Preview: this is exactly what the public will see.").waitFor();
    const demands = await page.locator("ol.demands li").allTextContents();
    expect(demands).toEqual(["Cancel a contract First: cancel the contract", "Publish transparency Third: publish contracts", "Adopt a policy Second: adopt a policy"]);
    await page.getByRole("link", { name: "Back to editing" }).click();

    // Publishing goes through a review of what will be frozen, and ends on a "live" page.
    await page.getByRole("button", { name: "Review and publish" }).click();
    await page.getByRole("heading", { name: "Publish this letter?" }).waitFor();
    await page.getByText("Frozen for good").waitFor();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Publish now" }).click();
    await page.getByRole("heading", { name: "Your letter is live" }).waitFor();
    expect(await page.getByLabel("Link to the letter").inputValue()).toBe(`${app.url}/letters/drop-the-drone-contract`);
    await expectNoAxeViolations(page);
    const dashboardUrl = page.url().replace(/\/live$/, "");
    await page.goto(`${app.url}/`);
    await page.getByRole("link", { name: "Drop the drone contract" }).waitFor();

    await page.goto(dashboardUrl);
    await page.getByText("Published text is frozen").waitFor();
    await page.getByLabel("New update (Markdown)").fill("We delivered it by hand.");
    // Wait for each action's own answer: a "Saved." left on the page by the previous one proves nothing.
    const answered = () => page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/dashboard/letters/"));
    await Promise.all([answered(), page.getByRole("button", { name: "Post update" }).click()]);
    await page.getByText("Saved.").waitFor();
    await page.getByLabel("Delivered to").fill("Dana Example, CEO");
    await page.getByLabel("Date of delivery").fill("2026-11-27");
    await Promise.all([answered(), page.getByRole("button", { name: "Record delivery" }).click()]);
    await page.getByText("Saved.").waitFor();

    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const publicPath = await page.getByRole("link", { name: "Open the public page" }).getAttribute("href");
    expect(publicPath).toBe("/letters/drop-the-drone-contract");
    await page.goto(`${app.url}${publicPath}`);
    await page.getByText("We delivered it by hand.").waitFor();
    await page.getByText("Delivered to Dana Example, CEO on November 27, 2026.").waitFor();
  });
});
