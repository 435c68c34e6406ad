import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndConfirm, signAndReadMail, verifiedCount } from "../helpers/signing";

let app: TestApp;
let slug: string;
let letterId: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ slug, id: letterId } = await createOpenLetter(app.services.db, { title: "Stop Project Nightjar" }));
});
afterAll(() => app?.close());

const db = () => app.services.db;
const countRows = async (table: "signatures" | "email_outbox") =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe(`signing a letter (${dbLabel})`, () => {
  it("records a pending signature and one outbox row, then mails a neutral confirmation", async () => {
    const signaturesBefore = await countRows("signatures");
    const outboxBefore = await countRows("email_outbox");
    const response = await app.post(`/letters/${slug}`, { name: "Ada Lovelace", email: "ada@example.com", title: "Engineer", visibility: "public" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/letters/${slug}/check-inbox`);
    expect(await countRows("signatures")).toBe(signaturesBefore + 1);
    expect(await countRows("email_outbox")).toBe(outboxBefore + 1);
    const row = await db().selectFrom("signatures").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", domain: "example.com", name: "Ada Lovelace", visibility: "public" });
    expect(row.letter_version).toMatch(/^[0-9a-f]{64}$/);

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
    // Sent: the sealed address is erased from the outbox.
    const sent = await db().selectFrom("email_outbox").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(sent.status).toBe("sent");
    expect(sent.payload).toBeNull();
  });

  it.each([
    ["a subdomain of an allowed domain", "eve@eng.example.com", 303],
    ["the second allowed domain", "eve@example.org", 303],
    ["a look-alike suffix", "eve@example.com.evil.test", 400],
    ["a look-alike prefix", "eve@evilexample.com", 400],
    ["a free-mail address", "eve@gmail.com", 400],
  ])("allowlist: %s", async (_label, email, status) => {
    const response = await app.post(`/letters/${slug}`, { name: "Eve", email, visibility: "anonymous" });
    expect(response.status).toBe(status);
  });

  it.each([
    ["an empty name", { name: "" }, "name", "Name is required"],
    ["a two-line name", { name: "Ada\nLovelace" }, "name", "single line"],
    ["a control character", { name: "Ada\u0007" }, "name", "single line"],
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

  it("answers identically for a new, a pending and a confirmed address; only the mail differs", async () => {
    const signer = { name: "Grace Hopper", email: "grace@example.com", title: "", visibility: "public" };
    const first = await app.post(`/letters/${slug}`, signer);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 1);
    const again = await app.post(`/letters/${slug}`, signer);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 2);
    const verify = app.smtp.to("grace@example.com")[1]!.links.find((l) => l.includes("/verify/"))!;
    expect((await app.post(new URL(verify).pathname, {})).status).toBe(303);
    const confirmed = await app.post(`/letters/${slug}`, signer);
    const snapshot = async (r: Response) => ({ status: r.status, location: r.headers.get("location"), body: await r.text() });
    const [a, b, c] = await Promise.all([first, again, confirmed].map(snapshot));
    expect(b).toEqual(a);
    expect(c).toEqual(a);

    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("grace@example.com").length === 3);
    const last = app.smtp.to("grace@example.com")[2]!;
    expect(last.subject).toBe("Your email address is already confirmed");
    expect(last.links.some((l) => l.includes("/verify/"))).toBe(false);
    expect(last.links.some((l) => l.includes("/withdraw/"))).toBe(true);
    // Still exactly one signature for that person.
    const rows = await db().selectFrom("signatures").select("status").where("letter_id", "=", letterId).where("name", "=", "Grace Hopper").execute();
    expect(rows).toEqual([{ status: "confirmed" }]);
  });

  it("canonicalizes case and +tags before de-duplicating", async () => {
    await app.post(`/letters/${slug}`, { name: "Lin", email: "lin@example.com", visibility: "anonymous" });
    await app.post(`/letters/${slug}`, { name: "Lin", email: "LIN+letters@Example.COM", visibility: "anonymous" });
    const rows = await db().selectFrom("signatures").select(["id", "mails_sent"]).where("letter_id", "=", letterId).where("domain", "=", "example.com").where("visibility", "=", "anonymous").execute();
    expect(rows.filter((r) => r.mails_sent === 2)).toHaveLength(1);
  });

  it("keeps no name for an anonymous signer", async () => {
    await app.post(`/letters/${slug}`, { name: "Secret Person", email: "secret@example.com", title: "Spy", visibility: "anonymous" });
    const row = await db().selectFrom("signatures").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ visibility: "anonymous", name: null, job_title: null });
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
    // What will be published is shown before the button: a stranger's re-submission cannot slip through.
    expect(textOf(page)).toContain("It will be shown with your name: Scan Me .");
    expect((await app.get(verifyPath!, { method: "HEAD" })).status).toBe(200);
    expect(await verifiedCount(app, slug)).toBe(before);

    const confirmed = await app.post(verifyPath!, {});
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe(verifyPath);
    const html = await (await app.get(verifyPath!)).text();
    expect(html).toContain("Your signature is confirmed");
    expect(html).toContain("You chose to be named");
    // The count was cached before this confirmation, and still includes it.
    expect(textOf(html)).toContain(`now has ${before + 1} verified signatures`);
    expect(html).toContain(`${app.config.appUrl}/letters/${slug}`);
    expect(await verifiedCount(app, slug)).toBe(before + 1);

    expect((await app.post(verifyPath!, {})).status).toBe(303);
    expect(await verifiedCount(app, slug)).toBe(before + 1);
  });

  it("refuses an expired link with 410 and an unknown one with 404, each with a way to sign again", async () => {
    const { verifyPath } = await signAndReadMail(app, slug, { name: "Late", email: "late@example.com", visibility: "public" });
    await db().updateTable("signatures").set({ confirm_expires_at: new Date(Date.now() - 1000) }).where("name", "=", "Late").execute();
    const before = await verifiedCount(app, slug);
    for (const method of ["GET", "POST"]) {
      const response = method === "GET" ? await app.get(verifyPath!) : await app.post(verifyPath!, {});
      expect(response.status).toBe(410);
      expect(await response.text()).toMatch(/expired.*Sign again/s);
    }
    expect(await verifiedCount(app, slug)).toBe(before);
    const unknown = await app.get(`/verify/${"A".repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/sign again/i);
    expect((await app.post(`/verify/${"x".repeat(5000)}`, {})).status).toBe(404);
  });

  it("withdraws on POST only: the count drops and the name disappears", async () => {
    const { withdrawPath } = await signAndConfirm(app, slug, { name: "Changed Mind", email: "changed@example.com", visibility: "public" });
    const count = await verifiedCount(app, slug);
    expect(await (await app.get(`/letters/${slug}`)).text()).toContain("Changed Mind");
    expect((await app.get(withdrawPath)).status).toBe(200);
    expect((await app.get(withdrawPath, { method: "HEAD" })).status).toBe(200);
    expect(await verifiedCount(app, slug)).toBe(count);
    // Warm the caches, as a busy letter's would be.
    expect(await (await app.get(`/letters/${slug}`)).text()).toContain("Changed Mind");

    const response = await app.post(withdrawPath, {});
    expect(response.status).toBe(303);
    expect(await (await app.get(withdrawPath)).text()).toContain("Your signature is withdrawn");
    // At once, without waiting out any cache: the withdrawal invalidated them.
    expect((await (await app.get(`/api/letters/${slug}`)).json()).signatures.verified).toBe(count - 1);
    expect(await (await app.get(`/letters/${slug}`)).text()).not.toContain("Changed Mind");
    expect(await verifiedCount(app, slug)).toBe(count - 1);
    const row = await db().selectFrom("signatures").selectAll().where("status", "=", "withdrawn").executeTakeFirstOrThrow();
    expect(row.name).toBeNull();
  });

  it("sends at most 5 mails per address per letter", async () => {
    const email = "insistent@example.com";
    for (let i = 0; i < 6; i++) {
      const response = await app.post(`/letters/${slug}`, { name: "Insistent", email, visibility: "public" });
      expect(response.status).toBe(303);
    }
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to(email).length >= 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(app.smtp.to(email)).toHaveLength(5);
  });

  it("refuses signing on a closed letter (409) and on a draft (404)", async () => {
    const closed = await createOpenLetter(db(), { title: "Closed letter" });
    await db().updateTable("letters").set({ status: "closed" }).where("id", "=", closed.id).execute();
    const r1 = await app.post(`/letters/${closed.slug}`, { name: "Late", email: "late2@example.com", visibility: "public" });
    expect(r1.status).toBe(409);
    await db().updateTable("letters").set({ status: "draft" }).where("id", "=", closed.id).execute();
    app.services.cache.invalidate("");
    const r2 = await app.post(`/letters/${closed.slug}`, { name: "Late", email: "late2@example.com", visibility: "public" });
    expect(r2.status).toBe(404);
    expect((await app.get(`/letters/${closed.slug}`)).status).toBe(404);
  });

  it("closes signing by itself once the closing date has passed", async () => {
    const late = await createOpenLetter(db(), { title: "Dated letter" });
    await db().updateTable("letters").set({ closes_at: new Date(Date.now() - 60_000) }).where("id", "=", late.id).execute();
    app.services.cache.invalidate("");
    expect((await app.post(`/letters/${late.slug}`, { name: "Late", email: "late3@example.com", visibility: "public" })).status).toBe(409);
    const page = await (await app.get(`/letters/${late.slug}`)).text();
    expect(page).toContain("This letter is closed");
    expect(page).not.toContain('name="email"');
    expect((await (await app.get(`/api/letters/${late.slug}`)).json()).status).toBe("closed");
  });

  it("does not count a confirmation that arrives after the closing date", async () => {
    const dated = await createOpenLetter(db(), { title: "Deadline letter" });
    const { verifyPath } = await signAndReadMail(app, dated.slug, { name: "Just Late", email: "just.late@example.com", visibility: "anonymous" });
    expect(textOf(await (await app.get(verifyPath!)).text())).toContain("It will be counted anonymously");
    await db().updateTable("letters").set({ closes_at: new Date(Date.now() - 1000) }).where("id", "=", dated.id).execute();
    expect((await app.post(verifyPath!, {})).status).toBe(409);
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
