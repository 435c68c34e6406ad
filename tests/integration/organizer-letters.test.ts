import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { signAndConfirm } from "../helpers/signing";
import { insertSignatures } from "../helpers/fixtures";

let app: TestApp;
let alice: string;
let mallory: string;

setupAll(async () => {
  app = await startTestApp();
  alice = await loginAs(app, "alice@organizers.test");
  mallory = await loginAs(app, "mallory@organizers.test");
});
afterAll(() => app?.close());

const draft = (overrides: Record<string, string | string[]> = {}) => ({
  title: "Publish our cloud contracts",
  addressee: "Dana Example, CEO",
  organization: "Example Corp",
  body: "We ask for *transparency*.",
  domains: "example.com, example.org",
  listed: "listed",
  askJobTitle: "on",
  demandKind: ["transparency", "policy", "cancel_contract", "other"],
  demandText: ["Publish contracts", "Adopt a policy", "Cancel Nimbus", ""],
  intent: "save",
  ...overrides,
});

async function createDraft(cookie: string, overrides: Record<string, string | string[]> = {}): Promise<string> {
  const response = await app.post("/letters/new", draft(overrides), as(cookie));
  expect(response.status).toBe(303);
  return response.headers.get("location")!.split("/").at(-1)!.replace(/[?#].*/, "");
}

const letterRow = (id: string) => app.services.db.selectFrom("letters").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const demandsOf = async (id: string) =>
  (await app.services.db.selectFrom("demands").select(["kind", "text"]).where("letter_id", "=", id).orderBy("position").execute()).map((d) => `${d.kind}:${d.text}`);

describe(`drafting and publishing (${dbLabel})`, () => {
  it("creates a draft with ordered demands; slugs are chosen at publishing and never reveal another letter", async () => {
    const id = await createDraft(alice);
    const letter = await letterRow(id);
    expect(letter).toMatchObject({ status: "draft", allowed_domains: ["example.com", "example.org"] });
    // A draft claims no readable slug: nobody learns from a clash that someone drafts a letter.
    expect(letter.slug).toMatch(/^draft-[a-z0-9]{12}$/);
    expect(await demandsOf(id)).toEqual(["transparency:Publish contracts", "policy:Adopt a policy", "cancel_contract:Cancel Nimbus"]);
    // The preview renders the public letter view of the draft.
    const previewHtml = await (await app.get(`/dashboard/letters/${id}/preview`, as(alice))).text();
    const preview = textOf(previewHtml);
    expect(preview).toContain("Preview: this is exactly what the public will see.");
    // A draft reads as what it is, and its sign form is shown but cannot be sent (it has nowhere to go).
    expect(preview).toContain("Preview — not published");
    expect(preview).not.toContain("Closed");
    expect(preview).toContain("This is a preview: the form works on the public page once the letter is published.");
    expect(previewHtml).toMatch(/<fieldset class="plain" disabled="">/);
    expect(preview).toContain("Publish transparency Publish contracts");
    const secondId = await createDraft(alice);
    expect((await letterRow(secondId)).slug).toMatch(/^draft-[a-z0-9]{12}$/);
    // The dashboard lists both, with status and count.
    const dashboard = await (await app.get("/dashboard", as(alice))).text();
    expect(dashboard.match(/Publish our cloud contracts/g)?.length).toBeGreaterThanOrEqual(2);
    expect(dashboard).toContain("draft");

    // Published and listed: the readable slug; the second with that title gets a random suffix, not -2.
    expect((await app.post(`/dashboard/letters/${id}`, draft({ intent: "publish" }), as(alice))).status).toBe(200);
    expect((await letterRow(id)).slug).toBe("publish-our-cloud-contracts");
    expect((await app.post(`/dashboard/letters/${secondId}`, draft({ intent: "publish" }), as(alice))).status).toBe(200);
    expect((await letterRow(secondId)).slug).toMatch(/^publish-our-cloud-contracts-[a-z0-9]{12}$/);
    // Unlisted: always unguessable, even when the readable slug is free.
    const quiet = await createDraft(alice, { title: "A quiet letter", listed: "unlisted" });
    expect((await app.post(`/dashboard/letters/${quiet}`, draft({ title: "A quiet letter", listed: "unlisted", intent: "publish" }), as(alice))).status).toBe(200);
    expect((await letterRow(quiet)).slug).toMatch(/^a-quiet-letter-[a-z0-9]{12}$/);
  });

  it("reorders, removes and adds demands without JavaScript", async () => {
    const id = await createDraft(alice);
    const path = `/dashboard/letters/${id}`;
    expect((await app.post(path, draft({ intent: "move-up:2" }), as(alice))).status).toBe(200);
    expect(await demandsOf(id)).toEqual(["transparency:Publish contracts", "cancel_contract:Cancel Nimbus", "policy:Adopt a policy"]);
    await app.post(path, draft({ intent: "move-down:0" }), as(alice));
    expect((await demandsOf(id))[1]).toBe("transparency:Publish contracts");
    await app.post(path, draft({ intent: "remove:1" }), as(alice));
    expect(await demandsOf(id)).toEqual(["transparency:Publish contracts", "cancel_contract:Cancel Nimbus"]);
    await app.post(path, draft({ demandText: ["Publish contracts", "Adopt a policy", "Cancel Nimbus", "A fourth one"] }), as(alice));
    expect(await demandsOf(id)).toHaveLength(4);
  });

  it("previews the letter text without JavaScript through the page's own renderer, saving nothing", async () => {
    const id = await createDraft(alice);
    const path = `/dashboard/letters/${id}`;
    const typed = "We ask for **everything** <script>alert(1)</script>";
    const response = await app.post(path, draft({ intent: "preview-text", body: typed, title: "An unsaved title" }), as(alice));
    expect(response.status).toBe(200);
    const html = await response.text();
    const preview = /<section class="md-preview" aria-label="Preview of the letter text">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(preview).toContain("<strong>everything</strong>");
    // Raw HTML is shown as text, exactly as on the public page.
    expect(preview).toContain("&lt;script&gt;");
    expect(preview).not.toContain("<script>");
    // What was typed comes back in the form; nothing reached the database.
    expect(html).toContain('value="An unsaved title"');
    expect((await letterRow(id)).title).toBe("Publish our cloud contracts");
    expect((await letterRow(id)).body).toBe("We ask for *transparency*.");
    // Before the first save as well (a new letter), still nothing is created.
    const before = (await app.services.db.selectFrom("letters").select(app.services.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;
    const fresh = await app.post("/letters/new", draft({ intent: "preview-text" }), as(alice));
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain("<em>transparency</em>");
    expect((await app.services.db.selectFrom("letters").select(app.services.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n).toBe(before);
  });

  it("answers a save where the buttons are: the form posts to its save status, which says saved or lists what to correct", async () => {
    const location = (await app.post("/letters/new", draft(), as(alice))).headers.get("location")!;
    expect(location).toMatch(/^\/dashboard\/letters\/\d+\?created#save-status$/);
    const created = await (await app.get(location.replace(/#.*/, ""), as(alice))).text();
    expect(created).toContain('action="/dashboard/letters/');
    expect(created).toMatch(/<div class="editor-actions" id="save-status">[\s\S]*Draft saved\. Nothing is public until you publish\./);
    const id = location.split("/").at(-1)!.replace(/\?.*/, "");
    const refused = await (await app.post(`/dashboard/letters/${id}`, draft({ title: "", domains: "gmail" }), as(alice))).text();
    const status = (/<div class="editor-actions" id="save-status">([\s\S]*?)<\/form>/.exec(refused)?.[1] ?? "").replaceAll("<!-- -->", "");
    expect(status).toContain("Not saved: 2 fields need correcting.");
    expect(status).toContain('<a href="#title">Title: Title is required</a>');
    expect(status).toMatch(/<a href="#domains">Email domains: [^<]*is not a domain/);
  });

  it.each([
    ["an empty title", { title: "" }, "title", "Title is required"],
    ["a domain without a dot", { domains: "gmail" }, "domains", "is not a domain"],
    ["a domain with an @", { domains: "@example.com" }, "domains", "is not a domain"],
    ["a wildcard domain", { domains: "*.com" }, "domains", "is not a domain"],
    ["a free-mail domain", { domains: "example.com, gmail.com" }, "domains", "free-mail provider"],
    ["an over-long title", { title: "t".repeat(201) }, "title", "at most 200"],
    ["an over-long body", { body: "b".repeat(20_001) }, "body", "at most 20,000"],
    ["an unknown demand kind", { demandKind: ["bribe"], demandText: ["Pay us"] }, "demand-0", "Choose a kind"],
    ["a goal that is not a number", { goal: "lots" }, "goal", "whole number"],
    ["an impossible closing date", { closesAt: "2027-02-31" }, "closesAt", "Closing date must be a date"],
    ["a closing date in year 0", { closesAt: "0000-01-01" }, "closesAt", "Closing date must be a date"],
    ["a NUL in the letter", { body: "Dear\u0000CEO" }, "body", "cannot be stored"],
    ["a NUL in a demand", { demandKind: ["policy"], demandText: ["Adopt\u0000"] }, "demand-0", "cannot be stored"],
  ])("refuses %s with 400, the message at the field, the typed text kept", async (_label, change, field, message) => {
    const before = (await app.services.db.selectFrom("letters").select("id").execute()).length;
    const response = await app.post("/letters/new", draft({ ...change, organization: "Kept Organization Name" }), as(alice));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`id="${field}-error"[^>]*>[^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(html).toContain('value="Kept Organization Name"');
    expect((await app.services.db.selectFrom("letters").select("id").execute()).length).toBe(before);
  });

  it("takes a goal written as 1,000; refuses to publish an empty letter, a closing date years away, a response before its delivery", async () => {
    const id = await createDraft(alice, { title: "Checked fields", goal: "1,000", body: "" });
    expect((await letterRow(id)).goal).toBe(1000);
    const empty = await app.post(`/dashboard/letters/${id}`, draft({ title: "Checked fields", body: "  ", intent: "publish" }), as(alice));
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Write the letter before publishing: people sign exactly this text");
    expect((await letterRow(id)).status).toBe("draft");
    const far = await app.post(`/dashboard/letters/${id}`, draft({ title: "Checked fields", closesAt: `${new Date().getUTCFullYear() + 5}-06-30`, intent: "save" }), as(alice));
    expect(far.status).toBe(400);
    expect(await far.text()).toContain("check the year");
    expect((await app.post(`/dashboard/letters/${id}`, draft({ title: "Checked fields", intent: "publish" }), as(alice))).status).toBe(200);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await app.post(`/dashboard/letters/${id}`, { intent: "delivery", deliveredTo: "Dana Example", deliveredAt: day(5) }, as(alice))).status).toBe(400);
    expect((await app.post(`/dashboard/letters/${id}`, { intent: "delivery", deliveredTo: "Dana Example", deliveredAt: day(-3) }, as(alice))).status).toBe(200);
    const early = await app.post(`/dashboard/letters/${id}`, { intent: "response", responseText: "No.", responseAt: day(-4) }, as(alice));
    expect(early.status).toBe(400);
    expect(await early.text()).toContain(`The response cannot come before the delivery (${day(-3)})`);
    expect((await letterRow(id)).response_text).toBeNull();
    expect((await app.post(`/dashboard/letters/${id}`, { intent: "response", responseText: "We will review it.", responseAt: day(-1) }, as(alice))).status).toBe(200);
  });

  it("refuses to publish without demands", async () => {
    const id = await createDraft(alice, { demandKind: [], demandText: [] });
    const response = await app.post(`/dashboard/letters/${id}`, draft({ intent: "publish", demandKind: [], demandText: [] }), as(alice));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Add at least one demand before publishing");
    expect((await letterRow(id)).status).toBe("draft");
  });

  it("publishes: freezes the text, records the version hash, shows it on /, and refuses any later text change", async () => {
    const id = await createDraft(alice, { title: "Frozen letter" });
    expect((await app.get(`/letters/frozen-letter`)).status).toBe(404); // drafts are never public
    expect((await app.get(`/api/letters/frozen-letter`)).status).toBe(404);
    expect((await app.post(`/dashboard/letters/${id}`, draft({ title: "Frozen letter", intent: "publish" }), as(alice))).status).toBe(200);
    const letter = await letterRow(id);
    expect(letter.status).toBe("open");
    expect(letter.version_hash).toMatch(/^[0-9a-f]{64}$/);
    const version = await app.services.db.selectFrom("letter_versions").selectAll().where("letter_id", "=", id).executeTakeFirstOrThrow();
    expect(version.version_hash).toBe(letter.version_hash);
    expect(version.content.demands).toHaveLength(3);
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    expect(await (await app.get("/")).text()).toContain("Frozen letter");

    const editPage = await (await app.get(`/dashboard/letters/${id}`, as(alice))).text();
    expect(editPage).toContain("Published text is frozen");
    for (const intent of ["save", "publish", "move-up:1", "remove:0"]) {
      const response = await app.post(`/dashboard/letters/${id}`, draft({ title: "Changed!", body: "Changed!", intent }), as(alice));
      expect(response.status).toBe(409);
    }
    const after = await letterRow(id);
    expect(after).toMatchObject({ title: "Frozen letter", body: letter.body, version_hash: letter.version_hash });
    expect(await demandsOf(id)).toEqual(["transparency:Publish contracts", "policy:Adopt a policy", "cancel_contract:Cancel Nimbus"]);
  });

  it("renders Markdown safely: no raw HTML, no script, links nofollow noopener", async () => {
    const body = [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(2)">',
      "[click](javascript:alert(3)) and [site](https://example.org/page)",
    ].join("\n\n");
    const id = await createDraft(alice, { title: "Markdown letter", body });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Markdown letter", body, intent: "publish" }), as(alice));
    const html = await (await app.get(`/letters/markdown-letter`)).text();
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toMatch(/<img[^>]*onerror/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/href="javascript:/);
    expect(html).toMatch(/<a href="https:\/\/example\.org\/page" rel="nofollow noopener noreferrer">site<\/a>/);
  });

  it("closes a letter: signing stops with 409", async () => {
    const id = await createDraft(alice, { title: "Closing letter" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Closing letter", intent: "publish" }), as(alice));
    expect((await app.post(`/dashboard/letters/${id}`, { intent: "close" }, as(alice))).status).toBe(200);
    expect((await letterRow(id)).status).toBe("closed");
    const sign = await app.post("/letters/closing-letter", { name: "Late", email: "late@example.com", visibility: "public" });
    expect(sign.status).toBe(409);
  });

  it("posts updates and records delivery and response, shown publicly; bad dates are 400", async () => {
    const id = await createDraft(alice, { title: "Delivered letter" });
    const path = `/dashboard/letters/${id}`;
    await app.post(path, draft({ title: "Delivered letter", intent: "publish" }), as(alice));
    expect((await app.post(path, { intent: "update", body: "We met with **HR** today." }, as(alice))).status).toBe(200);
    expect((await app.post(path, { intent: "update", body: "   " }, as(alice))).status).toBe(400);
    expect((await app.post(path, { intent: "delivery", deliveredTo: "Dana Example, CEO", deliveredAt: "2026-11-20" }, as(alice))).status).toBe(200);
    expect((await app.post(path, { intent: "delivery", deliveredTo: "Dana", deliveredAt: "yesterday" }, as(alice))).status).toBe(400);
    expect((await app.post(path, { intent: "delivery", deliveredTo: "Dana", deliveredAt: "0000-01-01" }, as(alice))).status).toBe(400);
    expect((await app.post(path, { intent: "update", body: "a\u0000b" }, as(alice))).status).toBe(400);
    expect((await app.post(path, { intent: "response", responseText: "\u0000", responseAt: "2026-11-25" }, as(alice))).status).toBe(400);
    expect((await app.post(path, { intent: "response", responseText: "We will review the contract.", responseAt: "2026-11-25" }, as(alice))).status).toBe(200);
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const html = await (await app.get("/letters/delivered-letter")).text();
    expect(html).toContain("We met with <strong>HR</strong> today.");
    expect(textOf(html)).toContain("Delivered to Dana Example, CEO on November 20, 2026.");
    expect(html).toContain("We will review the contract.");
    const api = await (await app.get("/api/letters/delivered-letter")).json();
    expect(api.delivery.to).toBe("Dana Example, CEO");
    expect(api.response.text).toBe("We will review the contract.");
  });

  it("shows organizers the same figures as the public, never a signer's address or anonymous name", async () => {
    const id = await createDraft(alice, { title: "Watched letter" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Watched letter", intent: "publish" }), as(alice));
    await signAndConfirm(app, "watched-letter", { name: "Hidden Person", email: "hidden.person@example.com", visibility: "anonymous" });
    await signAndConfirm(app, "watched-letter", { name: "Named Person", email: "named.person@example.com", visibility: "public" });
    for (const path of [`/dashboard/letters/${id}`, `/dashboard/letters/${id}/preview`, "/dashboard"]) {
      const html = await (await app.get(path, as(alice))).text();
      expect(html).not.toContain("hidden.person");
      expect(html).not.toContain("Hidden Person");
      expect(html).not.toContain("named.person@");
    }
    // The dashboard reads the public figures' one-second cache: past it, the new signatures show.
    app.services.cache.invalidate("");
    expect(textOf(await (await app.get(`/dashboard/letters/${id}`, as(alice))).text())).toContain("2 verified: 1 named, 1 anonymous");
  });
});

describe(`who stands behind a letter (${dbLabel})`, () => {
  it("shows the organizers' public name and contact address in the trust line and the JSON; checks the address", async () => {
    const bad = await app.post("/letters/new", draft({ title: "Organized letter", organizerName: "Employees of Example Cloud", contactEmail: "not an address" }), as(alice));
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toContain("Enter a contact address like press@example.org, or leave it empty");
    const id = await createDraft(alice, { title: "Organized letter", organizerName: "Employees of Example Cloud", contactEmail: "press@example.org" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Organized letter", organizerName: "Employees of Example Cloud", contactEmail: "press@example.org", intent: "publish" }), as(alice));
    const { slug } = await letterRow(id);
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const html = await (await app.get(`/letters/${slug}`)).text();
    expect(textOf(html)).toMatch(/Organized by Employees of Example Cloud · Contact: press@example\.org · Published on/);
    expect(html).toContain('href="mailto:press@example.org"');
    const api = (await (await app.get(`/api/letters/${slug}`)).json()) as { organizedBy: string; contact: string };
    expect(api).toMatchObject({ organizedBy: "Employees of Example Cloud", contact: "press@example.org" });

    // Not part of the signed text: it can change after publishing, in the settings.
    const badContact = await app.post(`/dashboard/letters/${id}`, { intent: "settings", listed: "listed", organizerName: "Cloud staff", contactEmail: "nope" }, as(alice));
    expect(badContact.status).toBe(400);
    expect(await app.post(`/dashboard/letters/${id}`, { intent: "settings", listed: "listed", organizerName: "Cloud staff", contactEmail: "" }, as(alice))).toHaveProperty("status", 200);
    expect(await letterRow(id)).toMatchObject({ organizer_name: "Cloud staff", contact_email: null });
    // A settings form without those fields leaves them alone.
    expect(await app.post(`/dashboard/letters/${id}`, { intent: "settings", listed: "listed", goal: "50" }, as(alice))).toHaveProperty("status", 200);
    expect(await letterRow(id)).toMatchObject({ organizer_name: "Cloud staff", goal: 50 });
  });
});

describe(`review before publishing and closing (${dbLabel})`, () => {
  it("saves, shows what will be frozen, publishes only on the review page's button, and ends on a live page", async () => {
    const id = await createDraft(alice, { title: "Reviewed letter" });
    const review = await app.post(`/dashboard/letters/${id}`, draft({ title: "Reviewed letter", body: "Our **reviewed** text.", intent: "review-publish" }), as(alice));
    expect(review.status).toBe(303);
    expect(review.headers.get("location")).toBe(`/dashboard/letters/${id}/publish`);
    // Saved as typed, not yet published.
    expect(await letterRow(id)).toMatchObject({ status: "draft", body: "Our **reviewed** text." });
    const page = textOf(await (await app.get(`/dashboard/letters/${id}/publish`, as(alice))).text());
    expect(page).toContain("Publish this letter?");
    expect(page).toContain("Frozen for good: the title, the addressee, the text and the demands.");
    expect(page).toContain("Our reviewed text.");
    expect(page).toContain("Work addresses at example.com, example.org");
    expect((await app.get(`/dashboard/letters/${id}/publish`, as(mallory))).status).toBe(404);
    const published = await app.post(`/dashboard/letters/${id}/publish`, {}, as(alice));
    expect(published.status).toBe(303);
    expect(published.headers.get("location")).toBe(`/dashboard/letters/${id}/live`);
    const row = await letterRow(id);
    expect(row.status).toBe("open");
    const live = textOf(await (await app.get(`/dashboard/letters/${id}/live`, as(alice))).text());
    expect(live).toContain("Your letter is live");
    expect(live).toContain(`http://app.test/letters/${row.slug}`);
    // The review of a published letter leads back to it; publishing twice does nothing.
    expect((await app.get(`/dashboard/letters/${id}/publish`, as(alice))).headers.get("location")).toBe(`/dashboard/letters/${id}`);
    expect((await app.post(`/dashboard/letters/${id}/publish`, {}, as(alice))).headers.get("location")).toBe(`/dashboard/letters/${id}`);
    // The same checks as publishing: an empty letter is refused at the editor.
    const empty = await createDraft(alice, { title: "Empty reviewed" });
    expect((await app.post(`/dashboard/letters/${empty}`, draft({ title: "Empty reviewed", body: " ", intent: "review-publish" }), as(alice))).status).toBe(400);
  });

  it("says what closing does before closing, then closes and tells subscribers", async () => {
    const id = await createDraft(alice, { title: "Closing reviewed" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Closing reviewed", intent: "publish" }), as(alice));
    await insertSignatures(app.services.db, id, Array.from({ length: 3 }, () => ({})));
    const page = textOf(await (await app.get(`/dashboard/letters/${id}/close`, as(alice))).text());
    expect(page).toContain("Close “Closing reviewed”?");
    expect(page).toContain("the count, 3 verified, becomes final");
    expect(page).toContain("This cannot be undone.");
    expect((await letterRow(id)).status).toBe("open");
    expect((await app.post(`/dashboard/letters/${id}/close`, {}, as(mallory))).status).toBe(404);
    const closed = await app.post(`/dashboard/letters/${id}/close`, {}, as(alice));
    expect(closed.headers.get("location")).toBe(`/dashboard/letters/${id}?closed=1`);
    expect((await letterRow(id)).status).toBe("closed");
    const jobs = await app.services.db.selectFrom("fanout_jobs").select("event").where("letter_id", "=", id).execute();
    expect(jobs.map((j) => j.event)).toEqual(["closed"]);
    expect(textOf(await (await app.get(`/dashboard/letters/${id}?closed=1`, as(alice))).text())).toContain("The letter is closed: the count is final");
    expect((await app.get(`/dashboard/letters/${id}/close`, as(alice))).headers.get("location")).toBe(`/dashboard/letters/${id}`);
  });
});

describe(`the organizer's list, deleting and duplicating (${dbLabel})`, () => {
  it("lists each letter with its status in words, dates, count, progress and public link", async () => {
    const draftId = await createDraft(alice, { title: "Still a draft" });
    const id = await createDraft(alice, { title: "Listed with progress", goal: "10" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Listed with progress", goal: "10", intent: "publish" }), as(alice));
    const { slug } = await letterRow(id);
    await insertSignatures(app.services.db, id, Array.from({ length: 4 }, () => ({})));
    const html = await (await app.get("/dashboard", as(alice))).text();
    const text = textOf(html);
    expect(text).toMatch(/Draft Still a draft Last edited [A-Z][a-z]+ \d+, \d{4} Not published: only organizers can see it\./);
    expect(text).toMatch(/Open Listed with progress Published [A-Z][a-z]+ \d+, \d{4} 4 verified signatures · Public page 40% of the goal of 10/);
    expect(html).toContain(`href="/letters/${slug}"`);
    expect(html).toContain(`href="/dashboard/letters/${draftId}"`);
  });

  it("deletes a draft only when confirmed, never a published letter", async () => {
    const id = await createDraft(alice, { title: "Throwaway draft" });
    const unconfirmed = await app.post(`/dashboard/letters/${id}`, { intent: "delete" }, as(alice));
    expect(unconfirmed.status).toBe(400);
    expect(textOf(await unconfirmed.text())).toContain("Tick the box to confirm");
    const deleted = await app.post(`/dashboard/letters/${id}`, { intent: "delete", confirmDelete: "on" }, as(alice));
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe("/dashboard?deleted=1");
    expect(await app.services.db.selectFrom("letters").select("id").where("id", "=", id).execute()).toEqual([]);
    expect(await app.services.db.selectFrom("demands").select("id").where("letter_id", "=", id).execute()).toEqual([]);
    expect(textOf(await (await app.get("/dashboard?deleted=1", as(alice))).text())).toContain("The draft was deleted.");
    // Someone else's draft: 404, and it stays.
    const others = await createDraft(alice, { title: "Alice keeps this" });
    expect((await app.post(`/dashboard/letters/${others}`, { intent: "delete", confirmDelete: "on" }, as(mallory))).status).toBe(404);
    const published = await createDraft(alice, { title: "Signed already" });
    await app.post(`/dashboard/letters/${published}`, draft({ title: "Signed already", intent: "publish" }), as(alice));
    expect((await app.post(`/dashboard/letters/${published}`, { intent: "delete", confirmDelete: "on" }, as(alice))).status).toBe(409);
    expect((await letterRow(published)).status).toBe("open");
  });

  it("duplicates a published letter into a new draft with the same text and demands, none of its signatures", async () => {
    const id = await createDraft(alice, { title: "Original letter" });
    await app.post(`/dashboard/letters/${id}`, draft({ title: "Original letter", intent: "publish" }), as(alice));
    await insertSignatures(app.services.db, id, [{}]);
    const response = await app.post(`/dashboard/letters/${id}`, { intent: "duplicate" }, as(alice));
    expect(response.status).toBe(303);
    const copyId = /\/dashboard\/letters\/(\d+)\?duplicated=1$/.exec(response.headers.get("location")!)![1]!;
    const copy = await letterRow(copyId);
    expect(copy).toMatchObject({ status: "draft", title: "Copy of Original letter", body: "We ask for *transparency*.", published_at: null, version_hash: null });
    expect(copy.slug).toMatch(/^draft-/);
    expect(await demandsOf(copyId)).toEqual(await demandsOf(id));
    expect(await app.services.db.selectFrom("signatures").select("id").where("letter_id", "=", copyId).execute()).toEqual([]);
    expect(textOf(await (await app.get(`/dashboard/letters/${copyId}?duplicated=1`, as(alice))).text())).toContain("This is a new draft, copied from the letter you duplicated.");
  });
});

describe(`authorization (${dbLabel})`, () => {
  it("answers 404 to another organizer on every page and action of a letter, and changes nothing", async () => {
    const id = await createDraft(alice, { title: "Private draft" });
    const before = await letterRow(id);
    for (const path of [`/dashboard/letters/${id}`, `/dashboard/letters/${id}/preview`]) {
      expect((await app.get(path, as(mallory))).status).toBe(404);
    }
    for (const intent of ["save", "publish", "move-up:1", "remove:0", "close", "settings", "update", "delivery", "response", "invite", "remove-organizer", "invalidate-preview", "invalidate"]) {
      const response = await app.post(`/dashboard/letters/${id}`, { ...draft({ title: "Hijacked" }), intent, body: "x", email: "m@organizers.test", organizerId: "1" }, as(mallory));
      expect(response.status, intent).toBe(404);
    }
    expect(await letterRow(id)).toEqual(before);
    // Not even a hint for ids that do not exist or are not ids.
    expect((await app.get("/dashboard/letters/999999", as(mallory))).status).toBe(404);
    expect((await app.get("/dashboard/letters/abc", as(mallory))).status).toBe(404);
    expect(await (await app.get("/dashboard", as(mallory))).text()).not.toContain("Private draft");
  });
});

describe(`co-organizers (${dbLabel})`, () => {
  it("invites by email; the invitee logs in with that address and gets the same rights; the last cannot be removed", async () => {
    const id = await createDraft(alice, { title: "Shared letter" });
    const path = `/dashboard/letters/${id}`;
    expect((await app.post(path, { intent: "invite", email: "not-an-address", inviterName: "Alice" }, as(alice))).status).toBe(400);
    // The invitation names who sent it: a name is required, and it may not carry an address or a link.
    for (const [inviterName, message] of [
      ["", "Give your name: the invitation says who sent it"],
      ["Alice, see https://evil.example/login", "without addresses or links"],
      ["alice@evil.example", "without addresses or links"],
      ["Alice (urgent) www.evil.example", "without addresses or links"],
      ["Alice\u202eevil", "single line of plain text"],
    ]) {
      const refused = await app.post(path, { intent: "invite", email: "bob@organizers.test", inviterName }, as(alice));
      expect(refused.status, inviterName).toBe(400);
      expect(textOf(await refused.text()), inviterName).toContain(message);
    }
    await app.deliverMail();
    expect(app.smtp.to("bob@organizers.test")).toHaveLength(0);
    expect((await app.post(path, { intent: "invite", email: "bob@organizers.test", inviterName: "Alice from the data team" }, as(alice))).status).toBe(200);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("bob@organizers.test").length === 1);
    const invitation = app.smtp.to("bob@organizers.test")[0]!;
    expect(invitation.subject).toBe("Alice from the data team invited you to organize a letter on Undersigned");
    // Who sent it and why it says so little; never the letter's title; the sign-in page, not a token.
    expect(invitation.text).toContain("Alice from the data team invited this address to help organize an open letter");
    expect(invitation.text).toContain("we never put a letter's title or its subject in our mail");
    expect(invitation.text).toContain("We never ask for a password");
    expect(invitation.text).not.toContain("Shared letter");
    expect(invitation.links.filter((l) => l.startsWith("http"))).toEqual([expect.stringMatching(/\/login$/)]);
    // The name is remembered, sealed, for the next invitation (the form offers it again).
    const sealed = await app.services.db.selectFrom("organizers").select("display_name_sealed").where("display_name_sealed", "is not", null).execute();
    expect(sealed).toHaveLength(1);
    expect(sealed[0]!.display_name_sealed!.toString("latin1")).not.toContain("Alice from");
    expect(await (await app.get(path, as(alice))).text()).toMatch(/id="inviter-name"[^>]*value="Alice from the data team"/);
    // An address that already has an account is listed exactly like a new one: invited.
    const carol = await loginAs(app, "carol@organizers.test");
    expect((await app.post(path, { intent: "invite", email: "carol@organizers.test", inviterName: "Alice" }, as(alice))).status).toBe(200);
    const listing = textOf(await (await app.get(path, as(alice))).text());
    expect(listing).toContain("bob@organizers.test (invited, not signed in yet)");
    expect(listing).toContain("carol@organizers.test (invited, not signed in yet)");
    expect((await app.get(path, as(carol))).status).toBe(404);
    await app.get("/dashboard", as(carol)); // accepting happens when she next looks
    expect((await app.get(path, as(carol))).status).toBe(200);
    const bob = await loginAs(app, "bob@organizers.test");
    expect((await app.get(path, as(bob))).status).toBe(200);
    expect((await app.post(path, draft({ title: "Shared letter", body: "Edited by Bob" }), as(bob))).status).toBe(200);
    expect((await letterRow(id)).body).toBe("Edited by Bob");

    const members = await app.services.db.selectFrom("letter_organizers").select("organizer_id").where("letter_id", "=", id).orderBy("added_at").execute();
    expect(members).toHaveLength(3);
    const [aliceId, carolId, bobId] = members.map((m) => m.organizer_id);
    // Bob removes Alice and Carol; then Bob, the last one, cannot remove himself. Alice has just read
    // the letter (reads share a session's access for a second): the removal ends it at once all the same.
    expect((await app.get(path, as(alice))).status).toBe(200);
    expect((await app.post(path, { intent: "remove-organizer", organizerId: aliceId! }, as(bob))).status).toBe(200);
    expect((await app.post(path, { intent: "remove-organizer", organizerId: carolId! }, as(bob))).status).toBe(200);
    expect((await app.get(path, as(alice))).status).toBe(404);
    const last = await app.post(path, { intent: "remove-organizer", organizerId: bobId! }, as(bob));
    expect(last.status).toBe(400);
    expect(await last.text()).toContain("at least one organizer");
    // Every change to the team is in the audit log the team reads, without the invitees' addresses.
    const audit = await app.services.db.selectFrom("audit_log").select(["action", "organizer_id", "detail"]).where("letter_id", "=", id).orderBy("id").execute();
    expect(audit.map((a) => [a.action, a.organizer_id])).toEqual([
      ["invite-organizer", aliceId], ["invite-organizer", aliceId], ["remove-organizer", bobId], ["remove-organizer", bobId],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/organizers\.test/);
    expect(textOf(await (await app.get(`${path}/moderation`, as(bob))).text())).toContain("You removed an organizer from this letter");
  });
});
