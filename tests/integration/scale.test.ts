import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { invalidateSignatures, previewInvalidation, hideNamedSignature } from "../../app/models/abuse.server";
import { countSignatures, countSignaturesFromRows, foldCountEvents, rollupsOf, signatureGrowth } from "../../app/models/counts.server";
import { claimDueEmails, PRIORITY, sealPayload } from "../../app/mail/outbox.server";
import { startWorker } from "../../app/mail/outbox-worker.server";
import { createMailSignal } from "../../app/mail/signal.server";
import { invalidateLetter } from "../../app/models/read-cache.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel, onPostgres } from "../helpers/db";
import { createOpenLetter, createOrganizerRow, insertSignatures } from "../helpers/fixtures";
import { signAndConfirm, type Signer } from "../helpers/signing";

let app: TestApp;
setupAll(async () => {
  app = await startTestApp({ env: { RATE_LIMITS: "off" } });
});
afterAll(() => app?.close());

const HOUR = 3_600_000;
const hourAgo = (h: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR - h * HOUR);

/** The raw aggregate in the shape the rollups have, to compare one with the other. */
async function expectExactCounts(letterId: string) {
  const raw = await countSignaturesFromRows(app.services.db, letterId);
  // Rollups plus pending events (what readers use), at any moment.
  const counts = await countSignatures(app.services.db, letterId);
  const rawTotal = Object.values(raw.byKey).reduce((a, b) => a + b, 0);
  expect(counts.verified).toBe(rawTotal);
  expect(counts.public).toBe(Object.entries(raw.byKey).filter(([k]) => k.endsWith("/public")).reduce((a, [, n]) => a + n, 0));
  const growth = await signatureGrowth(app.services.db, letterId, new Date());
  expect(growth.at(-1)?.total ?? 0).toBe(rawTotal);
  return raw;
}

describe(`counts at scale: incremental rollups (${dbLabel})`, () => {
  it("keep the rollups equal to the raw aggregate through concurrent signs, confirms, withdrawals, invalidations and hidden names", async () => {
    const { db } = app.services;
    const letter = await createOpenLetter(db, { title: "Counted incrementally" });
    const organizerId = await createOrganizerRow(db);
    await insertSignatures(db, letter.id, [
      ...Array.from({ length: 120 }, (_, i) => ({ domain: "example.com", confirmedAt: hourAgo(i % 5), visibility: (i % 3 ? "public" : "anonymous") as "public" | "anonymous" })),
      ...Array.from({ length: 40 }, () => ({ domain: "bots.example.org", confirmedAt: hourAgo(1) })),
      ...Array.from({ length: 10 }, () => ({ domain: "example.org", status: "pending" as const })),
    ]);
    await expectExactCounts(letter.id);

    // Folding all the while, by two folders at once (two workers).
    let folding = true;
    const folds = [0, 1].map(async () => {
      while (folding) {
        await foldCountEvents(db);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    try {
      const signers: Signer[] = Array.from({ length: 16 }, (_, i) => ({
        name: `Concurrent ${i}`,
        email: `concurrent.${i}@example.com`,
        visibility: i % 2 ? "public" : "anonymous",
      }));
      const confirmed = await Promise.all(signers.map((s) => signAndConfirm(app, letter.slug, s)));
      await expectExactCounts(letter.id);

      // At the same time: five withdraw, an organizer invalidates a flood and hides a name.
      const preview = await previewInvalidation(db, letter.id, organizerId, { domain: "bots.example.org", from: null, to: null });
      if (!preview.ok || !preview.previewId) throw new Error("no preview");
      const named = await db.selectFrom("signatures").select("id").where("letter_id", "=", letter.id).where("visibility", "=", "public").where("domain", "=", "example.com").orderBy("id").limit(1).executeTakeFirstOrThrow();
      const [invalidated, hidden] = await Promise.all([
        invalidateSignatures(db, letter.id, organizerId, { domain: "bots.example.org", from: null, to: null }, preview.previewId),
        hideNamedSignature(db, letter.id, organizerId, named.id),
        ...confirmed.slice(0, 5).map(async ({ withdrawPath }) => expect((await app.post(withdrawPath, {})).status).toBe(303)),
      ]);
      expect(invalidated).toEqual({ ok: true, count: 40 });
      expect(hidden).toBe(true);
      await expectExactCounts(letter.id);
    } finally {
      folding = false;
      await Promise.all(folds);
    }

    // Folded to the end: the rollups alone are the raw aggregate, by domain and visibility and by hour.
    await foldCountEvents(db);
    const raw = await expectExactCounts(letter.id);
    expect(await rollupsOf(db, letter.id)).toEqual(raw);
    // Seeded 80 named + 40 anonymous; one name hidden; 8 + 8 signed; of the first five who withdrew, 2 were named.
    expect(raw.byKey).toEqual({ "example.com/public": 79 + 8 - 2, "example.com/anonymous": 41 + 8 - 3 });
    expect(await db.selectFrom("signature_count_events").select("id").where("letter_id", "=", letter.id).execute()).toEqual([]);
  });
});

describe(`mail at scale (${dbLabel})`, () => {
  it("claims transactional mail (confirmations, logins) before any bulk mail, however much bulk is queued", async () => {
    const { db, keys } = app.services;
    const bulk = Array.from({ length: 120 }, (_, i) => ({
      kind: "signature-already",
      payload: sealPayload(keys.encryption, `bulk.${i}@example.net`, { withdrawUrl: "http://app.test/withdraw/x" }),
      priority: PRIORITY.bulk,
    }));
    await db.insertInto("email_outbox").values(bulk).execute();
    // Queued after all of them: someone waiting for their confirmation link.
    expect((await app.post("/login", { email: "waiting.organizer@example.com" })).status).toBe(303);
    const first = await claimDueEmails(db, 10);
    expect(first.map((r) => r.kind)).toContain("login-link");
    expect(first.filter((r) => r.priority === PRIORITY.transactional)).toHaveLength(1);
    await db.deleteFrom("email_outbox").execute();
  });

  it("wakes the worker when mail is queued: a worker that would otherwise sleep for an hour sends at once", async () => {
    const worker = startWorker(app.services, { idleMs: HOUR, foldMs: HOUR });
    try {
      // Let the worker find the queue empty and go to sleep for its hour.
      await new Promise((r) => setTimeout(r, 300));
      const letter = await createOpenLetter(app.services.db, { title: "Woken" });
      expect((await app.post(`/letters/${letter.slug}`, { name: "", email: "woken.signer@example.com", title: "", visibility: "anonymous" })).status).toBe(303);
      await app.smtp.waitFor(() => app.smtp.to("woken.signer@example.com").length === 1, 30_000);
    } finally {
      await worker.stop();
    }
  });

  it.skipIf(!onPostgres)("wakes a worker in another process through LISTEN/NOTIFY on PostgreSQL", async () => {
    const other = app.database.connectAgain();
    const signal = createMailSignal({ pool: other.pool, databaseUrl: app.database.url! });
    // A worker process of its own: its own connection and signal, nothing shared with the web app.
    const worker = startWorker({ ...app.services, db: other.db, mailSignal: signal }, { idleMs: HOUR, foldMs: HOUR });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const letter = await createOpenLetter(app.services.db, { title: "Woken from afar" });
      expect((await app.post(`/letters/${letter.slug}`, { name: "", email: "far.signer@example.com", title: "", visibility: "anonymous" })).status).toBe(303);
      await app.smtp.waitFor(() => app.smtp.to("far.signer@example.com").length === 1, 30_000);
    } finally {
      await worker.stop();
      await signal.close();
      await other.db.destroy();
    }
  });
});

describe(`pages as cheap as JSON: the rendered-page cache (${dbLabel})`, () => {
  const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];

  it("serves anonymous views of a letter from rendered HTML, each with a fresh nonce, and never to a visitor with cookies", async () => {
    const cached = await startTestApp({ database: app.database, frozenCache: true });
    try {
      const { db } = cached.services;
      const letter = await createOpenLetter(db, { title: "Rendered once" });
      const first = await cached.get(`/letters/${letter.slug}`);
      const firstHtml = await first.text();
      expect(first.status).toBe(200);
      expect(firstHtml).toContain("Rendered once");

      // The title changes behind the caches' back, and the data cache forgets: only rendered HTML remembers.
      await db.updateTable("letters").set({ title: "Changed since" }).where("id", "=", letter.id).execute();
      cached.services.cache.invalidate("");
      const second = await cached.get(`/letters/${letter.slug}`);
      const secondHtml = await second.text();
      expect(secondHtml).toContain("Rendered once");
      // One nonce per response, in the header and in every script of the page, never the same twice.
      const [a, b] = [nonceOf(first), nonceOf(second)];
      expect(a).toBeTruthy();
      expect(b).toBeTruthy();
      expect(a).not.toBe(b);
      expect(secondHtml).not.toContain(a!);
      const scripts = [...secondHtml.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) if (!/\bsrc=/.test(tag)) expect(tag).toContain(`nonce="${b}"`);
      expect(secondHtml.replaceAll(b!, "N")).toBe(firstHtml.replaceAll(a!, "N"));
      expect(second.headers.get("cache-control")).toBe(first.headers.get("cache-control"));

      // Anyone with a cookie, and any query string, gets a page rendered for them.
      expect(await (await cached.get(`/letters/${letter.slug}`, { headers: { Cookie: "theme=dark" } })).text()).toContain("Changed since");
      expect(await (await cached.get(`/letters/${letter.slug}?utm_source=x`)).text()).toContain("Changed since");
      // A change through the app (here: an operator's takedown and restore) refreshes it at once.
      const { invalidateLetter } = await import("../../app/models/read-cache.server");
      invalidateLetter(cached.services, letter);
      expect(await (await cached.get(`/letters/${letter.slug}`)).text()).toContain("Changed since");
      // A HEAD is answered from it too, without a body.
      const head = await cached.get(`/letters/${letter.slug}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    } finally {
      await cached.close();
    }
  });

  it("keeps a missing letter's 404 too: a crawler hammering one dead link costs one render a second", async () => {
    const missing = await app.get("/letters/no-such-letter-here");
    expect(missing.status).toBe(404);
    expect(app.services.pageCache.startedAt("html:/letters/no-such-letter-here")).toBeDefined();
    // A signer-page cursor is cached too; anything else in the query string is not.
    await app.get("/letters/no-such-letter-here?after=0-1");
    expect(app.services.pageCache.startedAt("html:/letters/no-such-letter-here?after=0-1")).toBeDefined();
    for (const query of ["?after=0-1&x=1", "?after=abc", "?after=0%2D1", "?page=2"]) {
      await app.get(`/letters/no-such-letter-here${query}`);
      expect(app.services.pageCache.startedAt(`html:/letters/no-such-letter-here${query}`), query).toBeUndefined();
    }
  });

  it("PAGE_CACHE=off renders every view", async () => {
    const uncached = await startTestApp({ database: app.database, frozenCache: true, env: { PAGE_CACHE: "off" } });
    try {
      const letter = await createOpenLetter(uncached.services.db, { title: "Always fresh" });
      await uncached.get(`/letters/${letter.slug}`);
      await uncached.services.db.updateTable("letters").set({ title: "Fresh again" }).where("id", "=", letter.id).execute();
      uncached.services.cache.invalidate("");
      expect(await (await uncached.get(`/letters/${letter.slug}`)).text()).toContain("Fresh again");
    } finally {
      await uncached.close();
    }
  });
});

describe(`organizer reads share a session's access for a second (${dbLabel})`, () => {
  it("another web process may show a removed organizer the dashboard within that second, never an export; clearing covers every spelling of the id", async () => {
    // `other` is a second web process on the same database, its cache clock stopped inside the second.
    const other = await startTestApp({ database: app.database, frozenCache: true });
    try {
      const { db } = app.services;
      const cookie = await loginAs(app, "shared.reads@organizers.test");
      const { organizer_id } = await db.selectFrom("sessions").select("organizer_id").orderBy("created_at", "desc").executeTakeFirstOrThrow();
      const letter = await createOpenLetter(db, { title: "Read by a team" });
      await db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id }).execute();
      const path = `/dashboard/letters/${letter.id}`;
      expect((await other.get(path, as(cookie))).status).toBe(200);
      expect((await other.get(`/dashboard/letters/00${letter.id}`, as(cookie))).status).toBe(200);

      // Removed through the first process (its own cache cleared, not this one's).
      await db.deleteFrom("letter_organizers").where("letter_id", "=", letter.id).where("organizer_id", "=", organizer_id).execute();
      expect((await other.get(path, as(cookie))).status).toBe(200);
      // Exports hand data over and write the audit log: they always ask the database.
      for (const exportPath of ["packet", "packet.pdf", "signers.csv"]) {
        expect((await other.get(`${path}/${exportPath}`, as(cookie))).status, exportPath).toBe(404);
      }
      // Any action on the letter in this process clears its reads, however the id was written.
      invalidateLetter(other.services, letter);
      expect((await other.get(path, as(cookie))).status).toBe(404);
      expect((await other.get(`/dashboard/letters/00${letter.id}`, as(cookie))).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
