import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { eraseExpiredSubscriptions, SUBSCRIBER_RETENTION_DAYS } from "../../app/models/subscription.server";
import { notifyOrganizers } from "../../app/models/notifications.server";
import { deriveKeys } from "../../app/utils/crypto.server";
import { linkPath, startTestApp, textOf, TEST_SECRETS, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { setupAll } from "../helpers/setup";
import { signAndConfirm } from "../helpers/signing";
import { seedSubscribers } from "../helpers/subscribers";

let app: TestApp;
let alice: string;
let aliceId: string;

setupAll(async () => {
  app = await startTestApp({ env: { FANOUT_RATE_PER_SECOND: "1000" } });
  alice = await loginAs(app, "alice@organizers.test");
  aliceId = (await app.services.db.selectFrom("organizers").select("id").orderBy("id", "desc").executeTakeFirstOrThrow()).id;
});
afterAll(() => app?.close());

/** A published letter organized by Alice, through the forms. */
async function publishLetter(title: string, extra: Record<string, string> = {}): Promise<{ id: string; slug: string; dashboard: string }> {
  const created = await app.post(
    "/letters/new",
    {
      title,
      addressee: "Dana Example, CEO",
      organization: "Example Corp",
      body: "We ask for transparency.",
      domains: "example.com",
      listed: "listed",
      demandKind: ["transparency"],
      demandText: ["Publish contracts"],
      intent: "save",
      ...extra,
    },
    as(alice),
  );
  expect(created.status).toBe(303);
  const dashboard = created.headers.get("location")!.replace(/[?#].*/, "");
  const id = dashboard.split("/").at(-1)!;
  const published = await app.post(dashboard, { ...(await formValues(id)), intent: "publish" }, as(alice));
  expect(published.status).toBeLessThan(400);
  const row = await app.services.db.selectFrom("letters").select(["slug", "status"]).where("id", "=", id).executeTakeFirstOrThrow();
  expect(row.status).toBe("open");
  return { id, slug: row.slug, dashboard };
}

async function formValues(id: string): Promise<Record<string, string | string[]>> {
  const l = await app.services.db.selectFrom("letters").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return {
    title: l.title,
    addressee: l.addressee,
    organization: l.organization,
    body: l.body,
    domains: l.allowed_domains.join(", "),
    listed: "listed",
    demandKind: ["transparency"],
    demandText: ["Publish contracts"],
    goal: l.goal === null ? "" : String(l.goal),
    revealThreshold: l.reveal_threshold === null ? "" : String(l.reveal_threshold),
  };
}

let counter = 0;
const worker = () => `worker${++counter}.${randomBytes(3).toString("hex")}@example.com`;
const personal = () => `me.${randomBytes(4).toString("hex")}@home.test`;

/** A signer confirms and asks for news at a personal address; returns the opt-in link and the signature's links. */
async function signAndSubscribe(slug: string, address = personal()) {
  const signed = await signAndConfirm(app, slug, { name: "Ada Signer", email: worker(), visibility: "public" });
  const asked = await app.post(signed.verifyPath!, { intent: "subscribe", email: address }, as(signed.cookie!));
  expect(asked.status).toBe(200);
  expect(textOf(await asked.text())).toContain("Check that inbox");
  await app.deliverMail();
  await app.smtp.waitFor(() => app.smtp.to(address).length > 0);
  const optIn = app.smtp.to(address).at(-1)!;
  return { ...signed, address, optIn, confirmPath: linkPath(optIn.links, "/news/confirm/") };
}

const newsTo = (address: string) => app.smtp.to(address).filter((m) => /^(The organizers|The letter|The employer)/.test(m.subject));
const listUnsubscribe = (raw: string) => /^List-Unsubscribe:\s*<([^>]+)>/im.exec(raw)?.[1] ?? null;

describe(`news for signers who ask for it (${dbLabel})`, () => {
  it("sends one opt-in mail (no title) to the address chosen, and nothing else until its owner confirms", async () => {
    const letter = await publishLetter("Tell us about Nightjar");
    const s = await signAndSubscribe(letter.slug);
    expect(s.optIn.subject).toBe("Confirm that you want news of a letter");
    expect(s.optIn.text).not.toContain("Nightjar");
    const row = await app.services.db.selectFrom("subscriptions").selectAll().where("letter_id", "=", letter.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    // Sealed: neither the address nor its local part appears in the row.
    expect(Buffer.from(row.address_sealed).includes(Buffer.from(s.address.split("@")[0]!))).toBe(false);
    expect(JSON.stringify(row)).not.toContain(s.address);

    // An update before the owner said yes reaches nobody.
    expect((await app.post(letter.dashboard, { intent: "update", body: "First news." }, as(alice))).status).toBe(200);
    await app.deliverNews();
    expect(app.smtp.to(s.address)).toHaveLength(1);

    // Opening the link (a mail scanner) confirms nothing; the button does.
    const page = await app.get(s.confirmPath);
    expect(page.status).toBe(200);
    expect(textOf(await page.text())).toContain("Tell us about Nightjar");
    expect((await app.services.db.selectFrom("subscriptions").select("status").where("id", "=", row.id).executeTakeFirstOrThrow()).status).toBe("pending");
    const confirmed = await app.post(s.confirmPath, {});
    expect(confirmed.status).toBe(303);
    expect(textOf(await (await app.get(s.confirmPath)).text())).toContain("You will get news of this letter");
    // Pressing again changes nothing and is no error.
    expect((await app.post(s.confirmPath, {})).status).toBe(303);
    expect((await app.get("/news/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);

    expect((await app.post(letter.dashboard, { intent: "update", body: "We met the board.\n\nThey answer Friday." }, as(alice))).status).toBe(200);
    await app.deliverNews();
    const news = newsTo(s.address);
    expect(news).toHaveLength(1);
    expect(news[0]!.subject).toBe("The organizers posted an update: Tell us about Nightjar");
    expect(news[0]!.text).toContain("We met the board.\n\nThey answer Friday.");
    expect(news[0]!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    expect(listUnsubscribe(news[0]!.raw)).toMatch(/^http:\/\/app\.test\/news\/unsubscribe\/[A-Za-z0-9_-]{43}$/);
  });

  it("mails each event once: delivery recorded twice, response, closing", async () => {
    const letter = await publishLetter("Deliver it");
    const s = await signAndSubscribe(letter.slug);
    expect((await app.post(s.confirmPath, {})).status).toBe(303);
    await app.post(letter.dashboard, { intent: "delivery", deliveredTo: "the board", deliveredAt: "2026-11-20" }, as(alice));
    await app.post(letter.dashboard, { intent: "delivery", deliveredTo: "the whole board", deliveredAt: "2026-11-20" }, as(alice));
    await app.post(letter.dashboard, { intent: "response", responseText: "We decline.\n\nRegards.", responseAt: "2026-11-21" }, as(alice));
    await app.post(letter.dashboard, { intent: "close" }, as(alice));
    await app.deliverNews();
    expect(newsTo(s.address).map((m) => m.subject).sort()).toEqual([
      "The employer responded: Deliver it",
      "The letter is closed: Deliver it",
      "The letter was delivered: Deliver it",
    ]);
    expect(newsTo(s.address).find((m) => m.subject.startsWith("The employer"))!.text).toContain("We decline.\n\nRegards.");
  });

  it("stops at once by the RFC 8058 one-click POST (no cookie, no login) and erases the address", async () => {
    const letter = await publishLetter("One click");
    const s = await signAndSubscribe(letter.slug);
    expect((await app.post(s.confirmPath, {})).status).toBe(303);
    await app.post(letter.dashboard, { intent: "update", body: "Hello." }, as(alice));
    await app.deliverNews();
    const url = new URL(listUnsubscribe(newsTo(s.address)[0]!.raw)!);
    // As a mail provider does it: from its own servers, a form body, no cookie, another site.
    const unsubscribed = await app.post(url.pathname, { "List-Unsubscribe": "One-Click" }, { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(unsubscribed.status).toBe(200);
    expect(await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute()).toEqual([]);
    expect(textOf(await (await app.get(url.pathname)).text())).toContain("No more news by email");
    // Twice is fine; an unknown token reads the same; a malformed one is a 404.
    expect((await app.post(url.pathname, { "List-Unsubscribe": "One-Click" })).status).toBe(200);
    expect((await app.get("/news/unsubscribe/not-a-token")).status).toBe(404);
    await app.post(letter.dashboard, { intent: "update", body: "Anyone there?" }, as(alice));
    await app.deliverNews();
    expect(newsTo(s.address)).toHaveLength(1);
  });

  it("the visible link works too: a page with a button, then the same erasure", async () => {
    const letter = await publishLetter("Visible link");
    const s = await signAndSubscribe(letter.slug);
    expect((await app.post(s.confirmPath, {})).status).toBe(303);
    await app.post(letter.dashboard, { intent: "update", body: "Hello." }, as(alice));
    await app.deliverNews();
    const path = linkPath(newsTo(s.address)[0]!.links, "/news/unsubscribe/");
    const page = await app.get(path);
    expect(textOf(await page.text())).toContain("Stop emails about Visible link");
    expect(await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute()).toHaveLength(1);
    expect((await app.post(path, {})).status).toBe(200);
    expect(await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute()).toEqual([]);
  });

  it("withdrawing the signature erases its subscription", async () => {
    const letter = await publishLetter("Withdraw erases");
    const s = await signAndSubscribe(letter.slug);
    expect((await app.post(s.confirmPath, {})).status).toBe(303);
    expect((await app.post(s.withdrawPath, {})).status).toBe(303);
    expect(await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute()).toEqual([]);
  });

  it("asks from the confirming browser only; checks the address; says so when it already gets news or was mailed enough", async () => {
    const letter = await publishLetter("Checks");
    const signed = await signAndConfirm(app, letter.slug, { name: "Bo", email: worker(), visibility: "anonymous" });
    // Without the confirming browser's cookie (someone else holding the link): refused.
    expect((await app.post(signed.verifyPath!, { intent: "subscribe", email: personal() })).status).toBe(403);
    const bad = await app.post(signed.verifyPath!, { intent: "subscribe", email: "not an address" }, as(signed.cookie!));
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toMatch(/valid email/i);

    const address = personal();
    for (let i = 0; i < 3; i++) expect((await app.post(signed.verifyPath!, { intent: "subscribe", email: address }, as(signed.cookie!))).status).toBe(200);
    const fourth = await app.post(signed.verifyPath!, { intent: "subscribe", email: address }, as(signed.cookie!));
    expect(textOf(await fourth.text())).toContain("already sent that address several confirmation messages");
    await app.deliverMail();
    expect(app.smtp.to(address)).toHaveLength(3);

    // A typo can be corrected while unconfirmed: the first address is dropped for the new one.
    const corrected = personal();
    expect((await app.post(signed.verifyPath!, { intent: "subscribe", email: corrected }, as(signed.cookie!))).status).toBe(200);
    await app.deliverMail();
    const rows = await app.services.db.selectFrom("subscriptions").select("id").where("letter_id", "=", letter.id).execute();
    expect(rows).toHaveLength(1);
    await app.post(linkPath(app.smtp.to(corrected).at(-1)!.links, "/news/confirm/"), {});
    const again = await app.post(signed.verifyPath!, { intent: "subscribe", email: corrected }, as(signed.cookie!));
    expect(textOf(await again.text())).toContain("That address already gets news of this letter.");
    const other = await app.post(signed.verifyPath!, { intent: "subscribe", email: personal() }, as(signed.cookie!));
    expect(textOf(await other.text())).toContain("already goes to an address you confirmed");
  });

  it("shows organizers how many asked for news, never fewer than five as a number", async () => {
    const letter = await publishLetter("Counting subscribers");
    const figure = async () => /News by email: ([^.]*?) asked/.exec(textOf(await (await app.get(letter.dashboard, as(alice))).text()))?.[1];
    expect(await figure()).toBe("0 signers");
    await seedSubscribers(app.services.db, letter.id, 3);
    app.services.cache.invalidate("");
    expect(await figure()).toBe("fewer than 5 signers");
    await seedSubscribers(app.services.db, letter.id, 4);
    app.services.cache.invalidate("");
    expect(await figure()).toBe("7 signers");
  });

  it("fans one update out to 2,000 subscribers: one mail each, none lost, none twice", async () => {
    const letter = await publishLetter("Two thousand");
    const addresses = await seedSubscribers(app.services.db, letter.id, 2_000);
    const before = app.smtp.received.length;
    await app.post(letter.dashboard, { intent: "update", body: "To all of you." }, as(alice));
    await app.deliverNews();
    const got = app.smtp.received.slice(before).filter((m) => m.subject.startsWith("The organizers posted an update"));
    expect(got).toHaveLength(2_000);
    expect(new Set(got.flatMap((m) => m.recipients))).toEqual(new Set(addresses));
    const job = await app.services.db.selectFrom("fanout_jobs").selectAll().where("letter_id", "=", letter.id).executeTakeFirstOrThrow();
    expect(job.sent).toBe(2_000);
    expect(job.done_at).not.toBeNull();
  });
});

describe(`retention of subscriber addresses (${dbLabel})`, () => {
  it(`erases unconfirmed requests after 3 days and every address ${SUBSCRIBER_RETENTION_DAYS} days after the letter closed`, async () => {
    const db = app.services.db;
    const closedLong = await publishLetter("Closed long ago");
    const closedRecently = await publishLetter("Closed recently");
    const open = await publishLetter("Still open");
    const day = 86_400_000;
    await db.updateTable("letters").set({ status: "closed", closed_at: new Date(Date.now() - (SUBSCRIBER_RETENTION_DAYS + 1) * day) }).where("id", "=", closedLong.id).execute();
    await db.updateTable("letters").set({ status: "closed", closed_at: new Date(Date.now() - (SUBSCRIBER_RETENTION_DAYS - 1) * day) }).where("id", "=", closedRecently.id).execute();
    for (const l of [closedLong, closedRecently, open]) await seedSubscribers(db, l.id, 2);
    const pending = await seedSubscribers(db, open.id, 1, { status: "pending", createdAt: new Date(Date.now() - 80 * 3_600_000) });
    expect(pending).toHaveLength(1);
    await eraseExpiredSubscriptions(db);
    const left = async (id: string) => (await db.selectFrom("subscriptions").select("status").where("letter_id", "=", id).execute()).length;
    expect(await left(closedLong.id)).toBe(0);
    expect(await left(closedRecently.id)).toBe(2);
    expect(await left(open.id)).toBe(2);
  });
});

describe(`organizer notifications (${dbLabel})`, () => {
  it("mails the goal, the highest round number passed and the reveal threshold once each, and the digest only to those who asked", async () => {
    const letter = await publishLetter("Milestones", { goal: "150", revealThreshold: "120" });
    const keys = deriveKeys(TEST_SECRETS.EMAIL_HASH_SECRET);
    // Alice keeps the defaults (milestones on, digest off); a second organizer wants the digest only.
    const bob = await loginAs(app, "bob@organizers.test");
    const bobId = (await app.services.db.selectFrom("organizers").select("id").orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    await app.services.db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: bobId }).execute();
    expect((await app.post(letter.dashboard, { intent: "notifications", notifyDigest: "on" }, as(bob))).status).toBe(200);
    const { insertSignatures } = await import("../helpers/fixtures");
    await insertSignatures(app.services.db, letter.id, Array.from({ length: 160 }, () => ({ visibility: "public" as const })));
    const { foldCountEvents } = await import("../../app/models/counts.server");
    await foldCountEvents(app.services.db);

    const aliceBefore = app.smtp.to("alice@organizers.test").length;
    const bobBefore = app.smtp.to("bob@organizers.test").length;
    await notifyOrganizers(app.services.db, keys, app.config.appUrl);
    await notifyOrganizers(app.services.db, keys, app.config.appUrl);
    await app.deliverMail();
    const subjects = (address: string, from: number) => app.smtp.to(address).slice(from).map((m) => m.subject).sort();
    expect(subjects("alice@organizers.test", aliceBefore)).toEqual([
      "A letter you organize passed 100 signatures",
      "A letter you organize reached its goal",
      "Names are now shown on a letter you organize",
    ]);
    expect(subjects("bob@organizers.test", bobBefore)).toEqual(["Your daily letter digest"]);
    const digest = app.smtp.to("bob@organizers.test").at(-1)!;
    expect(digest.text).toContain("gained 160 verified signatures");
    // No title, no names: counts only.
    for (const m of app.smtp.to("alice@organizers.test").slice(aliceBefore)) expect(m.text).not.toContain("Milestones");
    expect(aliceId).toBeTruthy();
  });
});
