import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { sha256 } from "../../app/utils/crypto.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndConfirm, signAndReadMail, verifiedCount } from "../helpers/signing";

let app: TestApp;
let slug: string;
let letterId: string;

setupAll(async () => {
  app = await startTestApp();
  ({ slug, id: letterId } = await createOpenLetter(app.services.db, { title: "Stop Project Nightjar" }));
});
afterAll(() => app?.close());

const db = () => app.services.db;
const countRows = async (table: "signatures" | "email_outbox") =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

const linkRows = (signatureId: string) =>
  db().selectFrom("confirm_links").selectAll().where("signature_id", "=", signatureId).execute();
const sigByDomainHash = async () => db().selectFrom("signatures").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();

describe(`signing a letter (${dbLabel})`, () => {
  it("records a pending signature with no name, one sealed link and one outbox row, then mails a neutral confirmation", async () => {
    const signaturesBefore = await countRows("signatures");
    const outboxBefore = await countRows("email_outbox");
    const response = await app.post(`/letters/${slug}`, { name: "Ada Lovelace", email: "ada@example.com", title: "Engineer", visibility: "public" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/letters/${slug}/check-inbox`);
    expect(await countRows("signatures")).toBe(signaturesBefore + 1);
    expect(await countRows("email_outbox")).toBe(outboxBefore + 1);
    const row = await sigByDomainHash();
    // What was typed waits sealed in the link: the pending row names nobody.
    expect(row).toMatchObject({ status: "pending", domain: "example.com", name: null, job_title: null, visibility: null, mails_in_window: 1 });
    expect(row.letter_version).toMatch(/^[0-9a-f]{64}$/);
    const [link] = await linkRows(row.id);
    expect(link!.submission).not.toBeNull();
    expect(Buffer.from(link!.submission!).toString("latin1")).not.toContain("Ada");

    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("ada@example.com").length === 1);
    const mail = app.smtp.to("ada@example.com")[0]!;
    expect(mail.subject).not.toMatch(/Nightjar/i);
    expect(mail.text).not.toMatch(/Nightjar/i);
    expect(mail.html).toContain("/verify/");
    expect(mail.html).not.toMatch(/<img/i);
    const links = mail.links.map((l) => new URL(l));
    expect(links.map((l) => l.origin)).toEqual([app.config.appUrl, app.config.appUrl]);
    for (const link of links) {
      expect(link.pathname).toMatch(/^\/(verify|withdraw)\/[A-Za-z0-9_-]{43}$/);
      expect(link.search).toBe("");
    }
    // Sent: the row is gone, and with it any record of when the mail left.
    expect(await countRows("email_outbox")).toBe(outboxBefore);
  });

  it.each([
    ["an allowed domain exactly", "eve@example.com", 303],
    ["the second allowed domain", "eve@example.org", 303],
    ["a subdomain, not allowed unless the organizer wrote *.", "eve@eng.example.com", 400],
    ["a look-alike suffix", "eve@example.com.evil.test", 400],
    ["a look-alike prefix", "eve@evilexample.com", 400],
    ["a free-mail address", "eve@gmail.com", 400],
    ["a local part that is only a +tag", "+news@example.com", 400],
  ])("allowlist: %s", async (_label, email, status) => {
    const response = await app.post(`/letters/${slug}`, { name: "Eve", email, visibility: "anonymous" });
    expect(response.status).toBe(status);
  });

  it("admits subdomains where the organizer wrote *.example.com, and shows it so", async () => {
    const wild = await createOpenLetter(db(), { title: "Wildcard letter", domains: ["*.example.com"] });
    expect((await app.post(`/letters/${wild.slug}`, { name: "Sub", email: "sub@eng.example.com", visibility: "anonymous" })).status).toBe(303);
    expect((await app.post(`/letters/${wild.slug}`, { name: "Apex", email: "apex@example.com", visibility: "anonymous" })).status).toBe(400);
    expect(textOf(await (await app.get(`/letters/${wild.slug}`)).text())).toContain("An address at *.example.com");
  });

  it.each([
    ["an empty name for a named signature", { name: "" }, "name", "Name is required"],
    ["a two-line name", { name: "Ada\nLovelace" }, "name", "single line"],
    ["a control character", { name: "Ada\u0007" }, "name", "invisible or control character"],
    ["a zero-width space", { name: "Ada\u200bLovelace" }, "name", "invisible or control character"],
    ["a bidi override", { name: "\u202eecilA" }, "name", "invisible or control character"],
    ["a line separator", { name: "Ada\u2028Lovelace" }, "name", "single line"],
    ["a name of invisible letters only", { name: "\u3164\u3164" }, "name", "visible letters"],
    ["a web address as a name", { name: "see www.example.net" }, "name", "web or email address"],
    ["a full-width web address", { name: "ｗｗｗ．ｅｖｉｌ．ｃｏｍ" }, "name", "web or email address"],
    ["a domain with an ideographic dot and a path", { name: "evil。com/x" }, "name", "web or email address"],
    ["a country-code domain", { name: "visit evil.pl" }, "name", "web or email address"],
    ["private-use characters", { name: "\ue000\ue001" }, "name", "invisible or control character"],
    ["an email address as a job title", { title: "ceo@example.com" }, "title", "web or email address"],
    ["a formula as a name", { name: "=HYPERLINK(1)" }, "name", "cannot start with =, \\+, - or @"],
    ["a formula as a job title", { title: "+1 engineer" }, "title", "cannot start with =, \\+, - or @"],
    ["a 101-character name", { name: "x".repeat(101) }, "name", "at most 100"],
    ["a 101-character job title", { title: "x".repeat(101) }, "title", "at most 100"],
    ["a broken address", { email: "not-an-address" }, "email", "valid email"],
    ["an unknown visibility", { visibility: "secret" }, "visibility", "Choose whether"],
  ])("refuses %s with 400, the message at the field, nothing stored or sent", async (_label, change, field, message) => {
    const signatures = await countRows("signatures");
    const outbox = await countRows("email_outbox");
    const fields = { name: "Typed Name", email: "typed@example.com", title: "Typed Title", visibility: "public", ...change };
    const response = await app.post(`/letters/${slug}`, fields);
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toMatch(new RegExp(`id="${field}-error"[^>]*>[^<]*${message}`));
    // What was typed is kept.
    if (field !== "email") expect(html).toContain('value="typed@example.com"');
    expect(await countRows("signatures")).toBe(signatures);
    expect(await countRows("email_outbox")).toBe(outbox);
  });

  it("stores names NFC-normalised", async () => {
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Zoe", email: "nfc@example.com", visibility: "public" });
    expect((await app.post(verifyPath!, { name: "Zoe\u0301 Cafe\u0301", title: "", visibility: "public" })).status).toBe(303);
    const row = await db().selectFrom("signatures").select("name").where("name", "like", "Zo%").executeTakeFirstOrThrow();
    expect(row.name).toBe("Zo\u00e9 Caf\u00e9");
  });

  it("answers identically for a new, a pending, a confirmed and a capped address; only the mail differs", async () => {
    const signer = { name: "Grace Hopper", email: "grace@example.com", title: "", visibility: "public" };
    const first = await app.post(`/letters/${slug}`, signer);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 1);
    const again = await app.post(`/letters/${slug}`, signer);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 2);
    const verify = app.smtp.to("grace@example.com")[1]!.links.find((l) => l.includes("/verify/"))!;
    expect((await app.post(new URL(verify).pathname, { name: "Grace Hopper", visibility: "public" })).status).toBe(303);
    const confirmed = await app.post(`/letters/${slug}`, signer);
    const capped = await app.post(`/letters/${slug}`, signer);
    const snapshot = async (r: Response) => ({ status: r.status, location: r.headers.get("location"), body: await r.text() });
    const [a, b, c, d] = await Promise.all([first, again, confirmed, capped].map(snapshot));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);

    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 3);
    const last = app.smtp.to("grace@example.com")[2]!;
    expect(last.subject).toBe("Your email address is already confirmed");
    expect(last.links.some((l) => l.includes("/verify/"))).toBe(false);
    // The same withdraw link as in every earlier mail.
    const withdrawLinks = new Set(app.smtp.to("grace@example.com").map((m) => m.links.find((l) => l.includes("/withdraw/"))));
    expect(withdrawLinks.size).toBe(1);
    // Still exactly one signature for that person.
    const rows = await db().selectFrom("signatures").select("status").where("letter_id", "=", letterId).where("name", "=", "Grace Hopper").execute();
    expect(rows).toEqual([{ status: "confirmed" }]);
  });

  it("canonicalizes case and +tags before de-duplicating", async () => {
    await app.post(`/letters/${slug}`, { name: "Lin", email: "lin@example.com", visibility: "anonymous" });
    await app.post(`/letters/${slug}`, { name: "Lin", email: "LIN+letters@Example.COM", visibility: "anonymous" });
    const rows = await db().selectFrom("signatures").select(["id", "mails_in_window"]).where("letter_id", "=", letterId).where("mails_in_window", "=", 2).execute();
    expect(rows).toHaveLength(1);
    expect(await linkRows(rows[0]!.id)).toHaveLength(2);
  });

  it("keeps no name for an anonymous signer, not even sealed", async () => {
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Secret Person", email: "secret@example.com", title: "Spy", visibility: "anonymous" });
    const page = await (await app.get(verifyPath!)).text();
    expect(page).not.toContain("Secret Person");
    expect(page).toMatch(/checked="" value="anonymous"/);
    expect((await app.post(verifyPath!, { name: "", visibility: "anonymous" })).status).toBe(303);
    const row = await sigByDomainHash();
    expect(row).toMatchObject({ status: "confirmed", visibility: "anonymous", name: null, job_title: null });
  });

  it("lets the owner of the address decide: a stranger's name is only a suggestion on the confirmation page", async () => {
    // Mallory knows Olivia's address and submits it publicly under a prank name.
    const email = "olivia@example.com";
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Mallory Prankster", email, title: "Clown", visibility: "public" });
    const page = await app.get(verifyPath!);
    const html = await page.text();
    // Editable, prefilled fields, so Olivia sees what was typed and changes it.
    expect(html).toMatch(/<input[^>]*name="name"[^>]*value="Mallory Prankster"/);
    expect(html).toMatch(/<input[^>]*name="title"[^>]*value="Clown"/);
    expect(html).toMatch(/checked="" value="public"/);
    const refused = await app.post(verifyPath!, { name: "", visibility: "public" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="name-error"[^>]*>Name is required/);
    expect((await app.post(verifyPath!, { name: "Olivia Owner", title: "", visibility: "anonymous" })).status).toBe(303);
    const row = await sigByDomainHash();
    expect(row).toMatchObject({ status: "confirmed", visibility: "anonymous", name: null, job_title: null });
    expect(await (await app.get(`/letters/${slug}`)).text()).not.toContain("Mallory");
    // The sealed submission went with the link.
    expect((await linkRows(row.id)).every((l) => l.used && l.submission === null)).toBe(true);
  });

  it("confirms only on POST: scanner GET and HEAD change nothing; a second POST counts once", async () => {
    const before = await verifiedCount(app, slug);
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Scan Me", email: "scan@example.com", visibility: "public" });
    const get = await app.get(verifyPath!);
    expect(get.status).toBe(200);
    expect(get.headers.get("cache-control")).toBe("no-store");
    const page = await get.text();
    expect(page).toContain("Stop Project Nightjar");
    expect(page).toContain("Confirm my signature");
    expect((await app.get(verifyPath!, { method: "HEAD" })).status).toBe(200);
    expect(await verifiedCount(app, slug)).toBe(before);

    const confirmed = await app.post(verifyPath!, { name: "Scan Me", visibility: "public" });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe(verifyPath);
    const cookie = confirmed.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/verify\//);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const html = await (await app.get(verifyPath!, { headers: { cookie: cookie.split(";")[0]! } })).text();
    expect(html).toContain("Your signature is confirmed");
    expect(html).toContain("You chose to be named");
    // The shared count may be up to a second old here (the real cache): it always includes this
    // signature, but maybe not the others of the last second. The exact figure is checked with the
    // cache clock stopped, below.
    const shown = Number(/now has (\d+) verified signatures?/.exec(textOf(html))![1]);
    expect(shown).toBeGreaterThanOrEqual(1);
    expect(shown).toBeLessThanOrEqual(before + 1);
    expect(html).toContain(`${app.config.appUrl}/letters/${slug}`);
    expect(await verifiedCount(app, slug)).toBe(before + 1);

    expect((await app.post(verifyPath!, { name: "Someone Else", visibility: "public" })).status).toBe(303);
    expect(await verifiedCount(app, slug)).toBe(before + 1);
    expect(await (await app.get(`/letters/${slug}`)).text()).not.toContain("Someone Else");
  });

  it("refuses an unknown link with 404, and answers an expired one like any used link", async () => {
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Late", email: "late@example.com", visibility: "public" });
    const row = await sigByDomainHash();
    await db().updateTable("confirm_links").set({ expires_at: new Date(Date.now() - 1000) }).where("signature_id", "=", row.id).execute();
    const before = await verifiedCount(app, slug);
    for (const method of ["GET", "POST"]) {
      const response = method === "GET" ? await app.get(verifyPath!) : await app.post(verifyPath!, { name: "Late", visibility: "public" });
      if (method === "POST") expect(response.status).toBe(303);
      const page = method === "GET" ? response : await app.get(verifyPath!);
      expect(page.status).toBe(410);
      expect(textOf(await page.text())).toContain("This link has been used or is no longer valid");
    }
    expect(await verifiedCount(app, slug)).toBe(before);
    const unknown = await app.get(`/verify/${"A".repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/not valid/i);
    expect((await app.post(`/verify/${"x".repeat(5000)}`, {})).status).toBe(404);
  });

  it("withdraws on POST only: the count drops and the name disappears", async () => {
    const { withdrawPath } = await signAndConfirm(app, slug, { name: "Changed Mind", email: "changed@example.com", visibility: "public" });
    const row = () => db().selectFrom("signatures").selectAll().where("withdraw_token_hash", "=", sha256(withdrawPath.split("/")[2]!)).executeTakeFirstOrThrow();
    const count = await verifiedCount(app, slug);
    // The page's data and its rendered HTML are each cached for a second: poll past both, busy machine or not.
    await expect.poll(async () => await (await app.get(`/letters/${slug}`)).text(), { timeout: 10_000 }).toContain("Changed Mind");
    expect((await app.get(withdrawPath)).status).toBe(200);
    expect((await app.get(withdrawPath, { method: "HEAD" })).status).toBe(200);
    expect(await verifiedCount(app, slug)).toBe(count);
    expect((await row()).status).toBe("confirmed");

    const response = await app.post(withdrawPath, {});
    expect(response.status).toBe(303);
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    expect(textOf(await (await app.get(withdrawPath, { headers: { cookie } })).text())).toContain("no longer counts");
    expect(await verifiedCount(app, slug)).toBe(count - 1);
    await expect.poll(async () => await (await app.get(`/letters/${slug}`)).text(), { timeout: 10_000 }).not.toContain("Changed Mind");
    expect(await row()).toMatchObject({ status: "withdrawn", name: null, job_title: null, visibility: null });
  });

  it("keeps every mailed withdraw link working for the life of the signature, through re-submissions and re-signing", async () => {
    const signer = { name: "Wanda Stable", email: "wanda@example.com", visibility: "public" as const };
    const first = await signAndConfirm(app, slug, signer);
    const wanda = () => db().selectFrom("signatures").select("status").where("withdraw_token_hash", "=", sha256(first.withdrawPath.split("/")[2]!)).executeTakeFirstOrThrow();
    // Someone re-submits the confirmed address: the "already signed" mail carries the same link.
    const again = await signAndReadMail(app, slug, signer);
    expect(again.mail.subject).toBe("Your email address is already confirmed");
    expect(again.withdrawPath).toBe(first.withdrawPath);
    expect((await app.post(first.withdrawPath, {})).status).toBe(303);
    expect((await wanda()).status).toBe("withdrawn");
    // Signing again later: the first link still withdraws the new signature.
    const resigned = await signAndConfirm(app, slug, signer);
    expect(resigned.withdrawPath).toBe(first.withdrawPath);
    expect((await wanda()).status).toBe("confirmed");
    expect((await app.get(first.withdrawPath)).status).toBe(200);
    expect((await app.post(first.withdrawPath, {})).status).toBe(303);
    expect((await wanda()).status).toBe("withdrawn");
  });

  it("sends at most 3 mails per address per letter in 24 hours, then again after the window", async () => {
    const email = "insistent@example.com";
    for (let i = 0; i < 5; i++) {
      const response = await app.post(`/letters/${slug}`, { name: "Insistent", email, visibility: "public" });
      expect(response.status).toBe(303);
    }
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to(email).length >= 3);
    expect(await countRows("email_outbox")).toBe(0);
    expect(app.smtp.to(email)).toHaveLength(3);
    // Every one of the three links still works: the owner uses whichever they have.
    const paths = app.smtp.to(email).map((m) => new URL(m.links.find((l) => l.includes("/verify/"))!).pathname);
    for (const path of paths) expect((await app.get(path)).status).toBe(200);
    // A day later the window has passed: a new submission mails again.
    const row = await sigByDomainHash();
    expect(row.mails_in_window).toBe(3);
    await db().updateTable("signatures").set({ mail_window_start: new Date(Date.now() - 25 * 3_600_000) }).where("id", "=", row.id).execute();
    expect((await app.post(`/letters/${slug}`, { name: "Insistent", email, visibility: "public" })).status).toBe(303);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to(email).length === 4);
    expect((await db().selectFrom("signatures").select("mails_in_window").where("id", "=", row.id).executeTakeFirstOrThrow()).mails_in_window).toBe(1);
  });

  it("tells the signer what to do when no mail comes, without saying whether anyone else used the address", async () => {
    const page = textOf(await (await app.get(`/letters/${slug}/check-inbox`)).text());
    expect(page).toContain("use the newest one");
    expect(page).toContain("at most 3 of these messages in 24 hours");
    expect(page).toContain("try again tomorrow");
  });

  it("refuses signing on a closed letter (409) and on a draft (404)", async () => {
    const closed = await createOpenLetter(db(), { title: "Closed letter" });
    await db().updateTable("letters").set({ status: "closed" }).where("id", "=", closed.id).execute();
    const r1 = await app.post(`/letters/${closed.slug}`, { name: "Late", email: "late2@example.com", visibility: "public" });
    expect(r1.status).toBe(409);
    await db().updateTable("letters").set({ status: "draft" }).where("id", "=", closed.id).execute();
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const r2 = await app.post(`/letters/${closed.slug}`, { name: "Late", email: "late2@example.com", visibility: "public" });
    expect(r2.status).toBe(404);
    expect((await app.get(`/letters/${closed.slug}`)).status).toBe(404);
  });

  it("closes signing by itself once the closing date has passed", async () => {
    const late = await createOpenLetter(db(), { title: "Dated letter" });
    await db().updateTable("letters").set({ closes_at: new Date(Date.now() - 60_000) }).where("id", "=", late.id).execute();
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    expect((await app.post(`/letters/${late.slug}`, { name: "Late", email: "late3@example.com", visibility: "public" })).status).toBe(409);
    const page = await (await app.get(`/letters/${late.slug}`)).text();
    expect(page).toContain("This letter is closed");
    expect(page).not.toContain('name="email"');
    expect((await (await app.get(`/api/letters/${late.slug}`)).json()).status).toBe("closed");
  });

  it("does not count a confirmation that arrives after the closing date", async () => {
    const dated = await createOpenLetter(db(), { title: "Deadline letter" });
    const { verifyPath } = await signAndReadMail(app, dated.slug, { name: "Just Late", email: "just.late@example.com", visibility: "anonymous" });
    expect(await (await app.get(verifyPath!)).text()).toContain("Confirm my signature");
    await db().updateTable("letters").set({ closes_at: new Date(Date.now() - 1000) }).where("id", "=", dated.id).execute();
    // The page says so before offering any button.
    const page = await (await app.get(verifyPath!)).text();
    expect(textOf(page)).toContain("This letter has closed");
    expect(page).not.toContain("Confirm my signature");
    const refused = await app.post(verifyPath!, { visibility: "anonymous" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("This letter has closed and no longer takes signatures.");
    expect(await verifiedCount(app, dated.slug)).toBe(0);
  });

  it("answers a malformed body with 4xx, never 5xx", async () => {
    const json = await app.post(`/letters/${slug}`, {}, { headers: { "Content-Type": "application/json" }, body: '{"name":"x"}' });
    expect(json.status).toBe(415);
    const arrays = await app.post(`/letters/${slug}`, { name: ["a", "b"], email: ["x@example.com", "y@example.com"], visibility: "public" });
    expect(arrays.status).toBe(400);
    const broken = await app.post(`/letters/${slug}`, {}, { headers: { "Content-Type": "multipart/form-data; boundary=zz" }, body: "--zz\r\nbroken" });
    expect(broken.status).toBe(400);
  });
});

describe(`what the public sees right after a change (${dbLabel}, cache clock stopped)`, () => {
  // The read cache's entries never expire by themselves in this app: a fresh figure proves that the
  // confirmation or withdrawal itself refreshed it, however slowly the test runs.
  let frozen: TestApp;
  let frozenSlug: string;
  setupAll(async () => {
    frozen = await startTestApp({ frozenCache: true });
    ({ slug: frozenSlug } = await createOpenLetter(frozen.services.db, { title: "Cached letter" }));
  });
  afterAll(() => frozen?.close());

  it("counts the signer's own confirmation on their result page, even when the shared count was cached before it", async () => {
    await signAndConfirm(frozen, frozenSlug, { name: "First", email: "first@example.com", visibility: "public" });
    frozen.services.cache.invalidate("");
    frozen.services.pageCache.invalidate("");
    const cached = (await (await frozen.get(`/api/letters/${frozenSlug}`)).json()).signatures.verified;
    expect(cached).toBe(1);
    const { verifyPath } = await signAndReadMail(frozen, frozenSlug, { name: "Second", email: "second@example.com", visibility: "anonymous" });
    const confirmed = await frozen.post(verifyPath!, { visibility: "anonymous" });
    const cookie = confirmed.headers.get("set-cookie")!.split(";")[0]!;
    const page = textOf(await (await frozen.get(verifyPath!, { headers: { cookie } })).text());
    expect(page).toContain("now has 2 verified signatures");
    // The shared figure is still the cached one (a confirmation does not flush it), yet the page was right.
    expect((await (await frozen.get(`/api/letters/${frozenSlug}`)).json()).signatures.verified).toBe(1);
  });

  it("drops a withdrawn name and count from the cached page and JSON at once", async () => {
    const { withdrawPath } = await signAndConfirm(frozen, frozenSlug, { name: "Cached Leaver", email: "leaver@example.com", visibility: "public" });
    frozen.services.cache.invalidate("");
    frozen.services.pageCache.invalidate("");
    expect(await (await frozen.get(`/letters/${frozenSlug}`)).text()).toContain("Cached Leaver");
    const before = (await (await frozen.get(`/api/letters/${frozenSlug}`)).json()).signatures.verified;
    expect((await frozen.post(withdrawPath, {})).status).toBe(303);
    expect(await (await frozen.get(`/letters/${frozenSlug}`)).text()).not.toContain("Cached Leaver");
    expect((await (await frozen.get(`/api/letters/${frozenSlug}`)).json()).signatures.verified).toBe(before - 1);
  });
});
