import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { abuseSignals, LETTER_BURST, PREVIEWS_PER_DAY } from "../../app/models/abuse.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { verifiedCount } from "../helpers/signing";

let app: TestApp;
let cookie: string;
let coCookie: string;
let letter: { id: string; slug: string };
let path: string;

// Signature times are whole hours: the data is laid out on hour boundaries relative to now.
const HOUR = 3_600_000;
const thisHour = () => new Date(Math.floor(Date.now() / HOUR) * HOUR);
const hoursAgo = (h: number) => new Date(thisHour().getTime() - h * HOUR);
const local = (d: Date) => d.toISOString().slice(0, 16);

setupAll(async () => {
  // Cached public figures never expire by themselves here: every refresh seen is the action's own.
  app = await startTestApp({ frozenCache: true });
  cookie = await loginAs(app, "guardian@organizers.test");
  coCookie = await loginAs(app, "colleague@organizers.test");
  const organizers = await app.services.db.selectFrom("organizers").select("id").orderBy("id").execute();
  letter = await createOpenLetter(app.services.db, { title: "Targeted letter" });
  await app.services.db
    .insertInto("letter_organizers")
    .values(organizers.map((o) => ({ letter_id: letter.id, organizer_id: o.id })))
    .execute();
  path = `/dashboard/letters/${letter.id}`;
  await insertSignatures(app.services.db, letter.id, [
    // A steady trickle from the real employer, three and four hours ago.
    ...Array.from({ length: 30 }, (_, i) => ({ domain: "example.com", createdAt: hoursAgo(3 + (i % 2)), name: `Real ${i}` })),
    // A burst this hour: one network, one subdomain.
    ...Array.from({ length: 25 }, (_, i) => ({ domain: "bots.example.org", ipHash: "same-network", createdAt: thisHour(), name: `Bot ${i}` })),
    ...Array.from({ length: 35 }, () => ({ domain: "bots.example.org", status: "pending" as const, createdAt: thisHour() })),
    // Three people from a small office, long ago.
    ...Array.from({ length: 3 }, (_, i) => ({ domain: "tiny.example.com", createdAt: hoursAgo(30), name: `Tiny ${i}` })),
    // A team where some have confirmed and some not yet.
    ...Array.from({ length: 6 }, (_, i) => ({ domain: "mixed.example.net", createdAt: hoursAgo(50), name: `Mixed ${i}` })),
    ...Array.from({ length: 6 }, () => ({ domain: "mixed.example.net", status: "pending" as const, createdAt: hoursAgo(50) })),
  ]);
});
afterAll(() => app?.close());

// Moderation has its own page, which posts to itself (the letter's main page takes the same intents).
const form = (fields: Record<string, string | string[]>, who = cookie) => app.post(`${path}/moderation`, fields, as(who));
const previewLine = (html: string) => /<p role="status">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "";
const previewIdOf = (html: string) => /name="previewId" value="(\d+)"/.exec(html)?.[1] ?? "";

describe(`abuse signals and invalidation (${dbLabel})`, () => {
  it("lists at most five networks one by one and counts the rest in one line", async () => {
    const other = await createOpenLetter(app.services.db, { title: "Shared behind many networks" });
    await app.services.db.insertInto("letter_organizers").values({ letter_id: other.id, organizer_id: (await app.services.db.selectFrom("organizers").select("id").orderBy("id").executeTakeFirstOrThrow()).id }).execute();
    await insertSignatures(
      app.services.db,
      other.id,
      Array.from({ length: 12 * 20 }, (_, i) => ({ domain: "example.com", ipHash: `net-${i % 12}`, createdAt: thisHour(), name: `Many ${i}` })),
    );
    app.services.cache.invalidate("");
    const text = textOf(await (await app.get(`/dashboard/letters/${other.id}/moderation`, as(cookie))).text());
    expect(text.match(/20 signatures from one network this hour and the last/g)).toHaveLength(5);
    expect(text).toContain("7 more networks sent 140 signatures together this hour and the last");
  });

  it("shows organizers a burst from one network and from one domain, in counts only", async () => {
    // The letter's page says there is something unusual, and links to the details.
    const overview = await (await app.get(path, as(cookie))).text();
    expect(textOf(overview)).toMatch(/Unusual activity ?: \d+ signs of a burst of signatures this hour or the last/);
    expect(overview).toContain(`href="${path}/moderation"`);
    const text = textOf(await (await app.get(`${path}/moderation`, as(cookie))).text());
    expect(text).toContain("25 signatures from one network this hour and the last");
    expect(text).toContain("60 signatures from bots.example.org this hour");
    expect(text).not.toContain("from example.com this hour"); // a steady domain is not flagged
    expect(text).not.toContain("same-network");
  });

  it(`flags a letter with ${LETTER_BURST.count}+ submissions in an hour and ${LETTER_BURST.factor}× the hour before (there is no per-letter ceiling)`, async () => {
    const { db } = app.services;
    const flooded = await createOpenLetter(db, { title: "Suddenly everywhere" });
    const steady = await createOpenLetter(db, { title: "Popular all along" });
    // Many small domains, none of them a domain burst of its own.
    const rows = (n: number, createdAt: Date) => Array.from({ length: n }, (_, i) => ({ domain: `d${i % 40}.example.com`, createdAt }));
    await insertSignatures(db, flooded.id, [...rows(LETTER_BURST.count + 20, thisHour()), ...rows(10, hoursAgo(1))]);
    await insertSignatures(db, steady.id, [...rows(LETTER_BURST.count + 20, thisHour()), ...rows(LETTER_BURST.count, hoursAgo(1))]);
    expect(await abuseSignals(db, flooded.id)).toEqual([{ kind: "letter", label: "all addresses", count: LETTER_BURST.count + 20 }]);
    expect(await abuseSignals(db, steady.id)).toEqual([]);
  });

  it("previews the count first, then invalidates exactly that set; both are in the audit log every co-organizer reads", async () => {
    expect(await verifiedCount(app, letter.slug)).toBe(64);
    // Warm the public figures, as a busy letter's would be (this app's cache never expires by itself).
    expect((await (await app.get(`/api/letters/${letter.slug}`)).json()).signatures.verified).toBe(64);
    const preview = await form({ intent: "invalidate-preview", invDomain: "example.org" });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toMatch(/data-testid="invalidate-preview">60</);
    expect(textOf(html)).toContain("Invalidate 60 signatures");
    const previewId = previewIdOf(html);
    expect(previewId).toMatch(/^\d+$/);
    // Nothing changed yet.
    expect(await verifiedCount(app, letter.slug)).toBe(64);

    // A preview carries out only its own criteria.
    const other = await form({ intent: "invalidate", invDomain: "example.com", previewId });
    expect(other.status).toBe(400);
    expect(textOf(await other.text())).toContain("Preview the count first");
    // And only while the set is the one previewed.
    await insertSignatures(app.services.db, letter.id, [{ domain: "late.example.org", status: "pending", createdAt: thisHour() }]);
    const stale = await form({ intent: "invalidate", invDomain: "example.org", previewId });
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("The matching set changed since the preview");
    expect(await verifiedCount(app, letter.slug)).toBe(64);

    const fresh = previewIdOf(await (await form({ intent: "invalidate-preview", invDomain: "example.org" })).text());
    const done = await form({ intent: "invalidate", invDomain: "example.org", previewId: fresh });
    expect(done.status).toBe(200);
    expect(textOf(await done.text())).toContain("61 signatures invalidated");
    // Public figures follow at once: the invalidation dropped the cached ones.
    expect((await (await app.get(`/api/letters/${letter.slug}`)).json()).signatures.verified).toBe(39);
    expect(await verifiedCount(app, letter.slug)).toBe(39);
    expect(await (await app.get(`/letters/${letter.slug}`)).text()).not.toContain("Bot 1");
    const names = await app.services.db.selectFrom("signatures").select("name").where("status", "=", "invalidated").execute();
    expect(names.every((r) => r.name === null)).toBe(true);

    const audit = await app.services.db.selectFrom("audit_log").selectAll().where("letter_id", "=", letter.id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["preview-invalidation", "preview-invalidation", "invalidate-signatures"]);
    expect(audit[2]).toMatchObject({ detail: { domain: "example.org", count: 61 } });
    const seenByColleague = textOf(await (await app.get(`${path}/moderation`, as(coCookie))).text());
    expect(seenByColleague).toContain("A co-organizer invalidated signatures (domain example.org): 61 signatures");
    expect(seenByColleague).toContain("A co-organizer previewed an invalidation (domain example.org): 60 signatures");
  });

  it("snaps time windows to whole hours", async () => {
    const from = new Date(hoursAgo(4).getTime() + 20 * 60_000); // 20 past, four hours ago → that hour
    const to = new Date(hoursAgo(4).getTime() + 40 * 60_000); // 40 past → the next hour
    const preview = await form({ intent: "invalidate-preview", invFrom: local(from), invTo: local(to) });
    const html = await preview.text();
    expect(html).toMatch(/data-testid="invalidate-preview">15</);
    // The form shows the window it counted.
    expect(html).toContain(`value="${local(hoursAgo(4))}"`);
    expect(html).toContain(`value="${local(hoursAgo(3))}"`);
    // A co-organizer cannot carry out someone else's preview.
    expect((await form({ intent: "invalidate", invFrom: local(from), invTo: local(to), previewId: previewIdOf(html) }, coCookie)).status).toBe(400);
    expect((await form({ intent: "invalidate", invFrom: local(from), invTo: local(to), previewId: previewIdOf(html) })).status).toBe(200);
    expect(await verifiedCount(app, letter.slug)).toBe(24);
  });

  it("answers 0 to 4 matches identically, and invalidates none of them", async () => {
    const none = await form({ intent: "invalidate-preview", invFrom: local(hoursAgo(100)), invTo: local(hoursAgo(99)) });
    const three = await form({ intent: "invalidate-preview", invDomain: "tiny.example.com" });
    expect(none.status).toBe(200);
    expect(three.status).toBe(200);
    const threeHtml = await three.text();
    const [a, b] = [previewLine(await none.text()), previewLine(threeHtml)];
    expect(textOf(a)).toContain("Fewer than 5 signatures match");
    expect(b).toBe(a);
    // No preview id to carry out, and a forged one (the count is in the audit entry, not the form) does nothing.
    expect(previewIdOf(threeHtml)).toBe("");
    const forged = await form({ intent: "invalidate", invDomain: "tiny.example.com", previewed: "3", previewId: "1" });
    expect(forged.status).toBe(400);
    expect(textOf(await forged.text())).toContain("Preview the count first");
    expect(await verifiedCount(app, letter.slug)).toBe(24);
  });

  it("takes pending and confirmed together: a status filter cannot be used to tell who confirmed", async () => {
    const count = async (statuses?: string) =>
      textOf(previewLine(await (await form({ intent: "invalidate-preview", invDomain: "mixed.example.net", ...(statuses ? { statuses } : {}) })).text()));
    const all = await count();
    expect(all).toContain("12 signatures match"); // six confirmed and six pending
    expect(await count("confirmed")).toBe(all);
    expect(await count("pending")).toBe(all);
  });

  it.each([
    ["no criteria", {}, "Choose a domain or a time window"],
    ["a bad time", { invFrom: "yesterday" }, "From must be a date and time"],
    ["a reversed window", { invFrom: "2026-11-29T10:00", invTo: "2026-11-29T09:00" }, "must end after it starts"],
    ["a bad domain", { invDomain: "*.org" }, "Enter a domain like example.com"],
  ])("refuses %s with 400 and a message", async (_label, fields, message) => {
    const response = await form({ intent: "invalidate-preview", ...fields });
    expect(response.status).toBe(400);
    expect(textOf(await response.text())).toContain(message);
  });

  it("needs a preview before invalidating, and writes nothing (not even to the log) without one", async () => {
    const before = (await app.services.db.selectFrom("audit_log").select("id").execute()).length;
    for (const previewed of ["12", "7", ""]) {
      const response = await form({ intent: "invalidate", invDomain: "mixed.example.net", previewed });
      expect(response.status).toBe(400);
      expect(textOf(await response.text())).toContain("Preview the count first");
    }
    expect((await app.services.db.selectFrom("audit_log").select("id").execute()).length).toBe(before);
    expect(await verifiedCount(app, letter.slug)).toBe(24);
  });

  it(`limits previews to ${PREVIEWS_PER_DAY} per letter per day, all audited`, async () => {
    const count = async () =>
      (await app.services.db.selectFrom("audit_log").select("id").where("letter_id", "=", letter.id).where("action", "=", "preview-invalidation").execute()).length;
    while ((await count()) < PREVIEWS_PER_DAY) {
      expect((await form({ intent: "invalidate-preview", invDomain: "example.com" })).status).toBe(200);
    }
    const refused = await form({ intent: "invalidate-preview", invDomain: "example.com" }, coCookie);
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain(`used its ${PREVIEWS_PER_DAY} previews`);
    expect(await count()).toBe(PREVIEWS_PER_DAY);
  });
});

describe(`organizer powers over one signature (${dbLabel})`, () => {
  it("finds named entries by the beginning of the name (a report names the person), wildcards taken literally", async () => {
    const found = textOf(await (await app.get(`${path}/moderation?name=${encodeURIComponent("real 1")}`, as(cookie))).text());
    const shown = await app.services.db
      .selectFrom("signatures")
      .select("name")
      .where("letter_id", "=", letter.id)
      .where("status", "=", "confirmed")
      .where("visibility", "=", "public")
      .execute();
    const expected = shown.map((r) => r.name!).filter((n) => n.toLowerCase().startsWith("real 1"));
    expect(expected.length).toBeGreaterThan(1);
    expect(found).toContain(`Names beginning with “real 1”: ${expected.length}.`);
    for (const name of expected) expect(found).toContain(`${name} Hide name`);
    expect(found).not.toMatch(/Real 2\d? Hide name|Tiny \d Hide name/);
    const literal = textOf(await (await app.get(`${path}/moderation?name=${encodeURIComponent("%")}`, as(cookie))).text());
    expect(literal).toContain("No named entry begins with that.");
    expect(textOf(await (await app.get(`${path}/moderation?name=${encodeURIComponent("Re_l")}`, as(cookie))).text())).toContain("No named entry begins with that.");
  });

  it("hides one named entry: it still counts, anonymously, its name erased, the action audited", async () => {
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const before = await verifiedCount(app, letter.slug);
    const dashboard = await (await app.get(`${path}/moderation`, as(cookie))).text();
    const match = /name="signatureId" value="(\d+)"/.exec(dashboard)!;
    const id = match[1]!;
    const row = await app.services.db.selectFrom("signatures").select("name").where("id", "=", id).executeTakeFirstOrThrow();
    expect(await (await app.get(`/letters/${letter.slug}`)).text()).toContain(row.name!);

    const hidden = await form({ intent: "hide-name", signatureId: id });
    expect(hidden.status).toBe(200);
    expect(await verifiedCount(app, letter.slug)).toBe(before);
    expect(await (await app.get(`/letters/${letter.slug}`)).text()).not.toContain(`${row.name}<`);
    const after = await app.services.db.selectFrom("signatures").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: "confirmed", visibility: "anonymous", name: null, job_title: null });
    const audit = await app.services.db.selectFrom("audit_log").selectAll().where("action", "=", "hide-name").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.detail)).not.toContain(row.name!);
    expect(textOf(await (await app.get(`${path}/moderation`, as(coCookie))).text())).toContain("A co-organizer hid one named entry");

    // Nothing else: not twice, not another letter's signature, not an anonymous one, nothing out of range.
    const elsewhere = await createOpenLetter(app.services.db, { title: "Another letter" });
    const [foreign] = await insertSignatures(app.services.db, elsewhere.id, [{ name: "Foreign Name" }]);
    const [anonymous] = await insertSignatures(app.services.db, letter.id, [{ visibility: "anonymous" }]);
    for (const signatureId of [id, foreign!, anonymous!, "999999", "abc", "9999999999999999999"]) {
      expect((await form({ intent: "hide-name", signatureId })).status, signatureId).toBe(400);
    }
    expect((await app.services.db.selectFrom("signatures").select("name").where("id", "=", foreign!).executeTakeFirstOrThrow()).name).toBe("Foreign Name");
  });

  it("lets the reveal threshold only go up after publishing, and says it on the sign form and the confirmation page", async () => {
    const settings = (revealThreshold: string) => app.post(path, { intent: "settings", listed: "listed", goal: "", closesAt: "", revealThreshold }, as(cookie));
    expect((await settings("10")).status).toBe(200);
    expect(textOf(await (await app.get(`/letters/${letter.slug}`)).text())).toContain("Names are shown once 10 people have signed by name");
    for (const lower of ["5", ""]) {
      const refused = await settings(lower);
      expect(refused.status).toBe(400);
      expect(textOf(await refused.text())).toContain("can only be raised");
    }
    expect((await settings("12")).status).toBe(200);
    const stored = await app.services.db.selectFrom("letters").select("reveal_threshold").where("id", "=", letter.id).executeTakeFirstOrThrow();
    expect(stored.reveal_threshold).toBe(12);
    // The organizer sees no more names than the public: with the threshold out of reach, none,
    // and hiding answers the same for a named and an anonymous id (it would otherwise tell them apart).
    const named = await app.services.db.selectFrom("signatures").select("id").where("letter_id", "=", letter.id).where("visibility", "=", "public").where("status", "=", "confirmed").executeTakeFirstOrThrow();
    expect((await settings("1000")).status).toBe(200);
    expect(await (await app.get(`${path}/moderation`, as(cookie))).text()).not.toMatch(/name="signatureId"/);
    const [anonymous] = await insertSignatures(app.services.db, letter.id, [{ visibility: "anonymous" }]);
    const answers = await Promise.all([named.id, anonymous!].map(async (signatureId) => {
      const r = await form({ intent: "hide-name", signatureId });
      return [r.status, previewLine(await r.text())];
    }));
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]![0]).toBe(400);
  });
});
