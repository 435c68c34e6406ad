import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { foldCountEvents } from "../../app/models/counts.server";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel, onPostgres } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { signAndConfirm, verifiedCount } from "../helpers/signing";

let app: TestApp;
setupAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const db = () => app.services.db;
const fresh = () => {
  app.services.cache.invalidate("");
  app.services.pageCache.invalidate("");
};
const page = async (path: string) => {
  fresh();
  return (await app.get(path)).text();
};

describe(`home page (${dbLabel})`, () => {
  it("lists listed letters, open first, closed ones with their final count; never drafts or unlisted ones", async () => {
    const closed = await createOpenLetter(db(), { title: "An older closed letter", organization: "Closed Co", goal: 100 });
    await insertSignatures(db(), closed.id, Array.from({ length: 7 }, () => ({})));
    await db().updateTable("letters").set({ status: "closed" }).where("id", "=", closed.id).execute();
    const open = await createOpenLetter(db(), { title: "A newer open letter", organization: "Open Co", goal: 10 });
    await insertSignatures(db(), open.id, Array.from({ length: 3 }, () => ({})));
    await createOpenLetter(db(), { title: "A quiet unlisted letter", listed: false });
    const draft = await createOpenLetter(db(), { title: "A private draft" });
    await db().updateTable("letters").set({ status: "draft" }).where("id", "=", draft.id).execute();

    const text = textOf(await page("/"));
    // Each card: organization, status, title, opening words, date, count, progress (none for a closed one).
    expect(text).toMatch(/Open Co · Open A newer open letter We, the undersigned, ask for change\. Published [A-Z][a-z]+ \d+, \d{4} 3 verified signatures 30% of the goal of 10/);
    expect(text).toMatch(/Closed Co · Closed An older closed letter .* Published [A-Z][a-z]+ \d+, \d{4} 7 verified signatures \(final\) 7% of the goal of 100/);
    expect(text.indexOf("A newer open letter")).toBeLessThan(text.indexOf("An older closed letter"));
    expect(text).not.toContain("A quiet unlisted letter");
    expect(text).not.toContain("A private draft");
    const api = await (await app.get("/api/letters")).json();
    expect(api.letters.map((l: { title: string }) => l.title)).toEqual(expect.arrayContaining(["A newer open letter", "An older closed letter"]));
    expect(api.letters.map((l: { title: string }) => l.title)).not.toContain("A quiet unlisted letter");
  });
});

describe(`home page search, order and pages (${dbLabel})`, () => {
  it("searches by title or organization, orders by most signed, and pages on without repeating a letter", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createOpenLetter(db(), { title: `Paging letter ${String(i).padStart(2, "0")}`, organization: "Paging Co" })).id);
    await insertSignatures(db(), ids[7]!, Array.from({ length: 9 }, () => ({})));
    await insertSignatures(db(), ids[3]!, Array.from({ length: 4 }, () => ({})));
    await foldCountEvents(db());
    const titles = (html: string) => [...html.matchAll(/<h3><a [^>]*href="\/letters\/[^"]+"[^>]*>(Paging letter \d+)<\/a><\/h3>/g)].map((m) => m[1]!);
    const first = await page("/?q=paging+co");
    expect(titles(first)).toHaveLength(24);
    const more = /href="(\/\?q=paging\+co&amp;after=[^"#]+)#letters-heading"/.exec(first)?.[1]?.replace(/&amp;/g, "&");
    expect(more).toBeTruthy();
    const second = await page(more!);
    expect(titles(second)).toHaveLength(6);
    expect(second).not.toContain(">More letters<");
    expect(new Set([...titles(first), ...titles(second)]).size).toBe(30);
    // Newest first among letters all open.
    expect(titles(first)[0]).toBe("Paging letter 29");

    expect(titles(await page("/?q=letter+07"))).toEqual(["Paging letter 07"]);
    expect(textOf(await page("/?q=no+such+thing+at+all"))).toContain("No letter matches “no such thing at all”.");
    const signed = titles(await page("/?q=paging&sort=signed"));
    expect(signed.slice(0, 2)).toEqual(["Paging letter 07", "Paging letter 03"]);
    // The same through the API, by cursor.
    const api = (await (await app.get("/api/letters?q=paging&sort=signed&limit=2")).json()) as { letters: { title: string }[]; next: string };
    expect(api.letters.map((l) => l.title)).toEqual(["Paging letter 07", "Paging letter 03"]);
    expect(api.next).toContain("sort=signed");
    expect((await app.get("/?after=garbage")).status).toBe(404);
    // An unknown order falls back to the default rather than failing.
    expect((await app.get("/?sort=sideways")).status).toBe(200);
  });
});

describe(`letter page and JSON (${dbLabel})`, () => {
  let slug: string;
  let id: string;
  setupAll(async () => {
    ({ slug, id } = await createOpenLetter(db(), { title: "Counted letter", organization: "Count Corp", addressee: "Dana Example, CEO", goal: 200 }));
    await insertSignatures(db(), id, [
      ...Array.from({ length: 55 }, (_, i) => ({ domain: "example.com", name: `Named Person ${String(i).padStart(2, "0")}`, jobTitle: "Engineer", confirmedAt: new Date(Date.now() - (60 - i) * 60_000) })),
      ...Array.from({ length: 6 }, () => ({ domain: "example.org", visibility: "anonymous" as const })),
      ...Array.from({ length: 4 }, () => ({ domain: "eng.example.com", visibility: "anonymous" as const })),
      ...Array.from({ length: 3 }, () => ({ domain: "example.com", status: "pending" as const })),
      ...Array.from({ length: 2 }, () => ({ domain: "example.com", status: "withdrawn" as const, name: null })),
    ]);
    await db().insertInto("letter_updates").values({ letter_id: id, body: "We delivered the letter." }).execute();
  });

  it("counts only confirmed, not withdrawn signatures, split named/anonymous, hiding domain groups under 5", async () => {
    const json = await (await app.get(`/api/letters/${slug}`)).json();
    // eng.example.com (4) is under 5, and alone it could be recovered from the total: example.org
    // (6) is hidden with it.
    expect(json.signatures).toEqual({ verified: 65, public: 55, anonymous: 10, byDomain: { "example.com": 55 } });
    expect(json).toMatchObject({ slug, title: "Counted letter", organization: "Count Corp", addressee: "Dana Example, CEO", status: "open", goal: 200 });
    expect(json.demands).toHaveLength(3);
    expect(json.demands[0]).toEqual({ kind: "cancel_contract", text: "Cancel the contract." });
    expect(new Date(json.updatedAt).getTime()).not.toBeNaN();
    const text = textOf(await page(`/letters/${slug}`));
    expect(text).toContain("65 verified signatures");
    expect(text).toContain("55 named · 10 anonymous");
    expect(text).toContain("33% of the goal of 200");
    expect(text).toContain("and 10 others signed anonymously");
    expect(text).toContain("example.com 55");
    expect(text).not.toContain("example.org 6");
    expect(text).not.toContain("eng.example.com");
  });

  it("shows the letter: addressee, organization, body, numbered demands with their kind, updates, delivery status", async () => {
    const html = await page(`/letters/${slug}`);
    const text = textOf(html);
    expect(text).toContain("To: Dana Example, CEO");
    expect(text).toContain("Count Corp");
    expect(html).toContain("We, the undersigned, ask for <strong>change</strong>.");
    expect(html).toMatch(/<ol class="demands">\s*<li><span class="kind">Cancel a contract<\/span>/);
    expect(text).toContain("Adopt a policy Adopt a human-rights policy.");
    expect(text).toContain("We delivered the letter.");
    expect(text).toContain("Not delivered yet.");
    expect(text).toContain("Open for signatures");
  });

  it("explains on a privacy page exactly what is kept and for how long, with the figures the code uses", async () => {
    const { CONFIRM_TTL_HOURS, PURGE_UNCONFIRMED_DAYS } = await import("../../app/models/signature.server");
    const { IP_HASH_HOURS } = await import("../../app/models/retention.server");
    const { MIN_DOMAIN_GROUP } = await import("../../app/models/counts.server");
    const text = textOf(await page("/privacy"));
    expect(text).toContain(`A confirmation link works for ${CONFIRM_TTL_HOURS} hours`);
    expect(text).toContain(`Signatures never confirmed are deleted after ${PURGE_UNCONFIRMED_DAYS} days`);
    expect(text).toContain(`is kept for ${IP_HASH_HOURS} hours`);
    expect(text).toContain(`only for groups of ${MIN_DOMAIN_GROUP} or more`);
    expect(text).toContain("your name is never stored at all");
    // The sign form links to it, and every page's footer does.
    const { slug: s } = await createOpenLetter(db(), { title: "Links to privacy" });
    expect(await page(`/letters/${s}`)).toMatch(/<a [^>]*href="\/privacy"[^>]*>What we keep, and for how long<\/a>/);
    expect(textOf(await page("/about"))).toContain("We verify you, then forget who you are.");
  });

  it("tells crawlers what to read: robots.txt keeps them off personal pages, sitemap.xml lists listed published letters only", async () => {
    const listed = await createOpenLetter(db(), { title: "Listed for search" });
    const unlisted = await createOpenLetter(db(), { title: "Only by link", listed: false });
    fresh();
    const robots = await app.get("/robots.txt");
    expect(robots.headers.get("content-type")).toContain("text/plain");
    const rules = await robots.text();
    for (const path of ["/verify/", "/withdraw/", "/login/", "/dashboard", "/admin"]) expect(rules).toContain(`Disallow: ${path}`);
    expect(rules).toContain("Sitemap: http://app.test/sitemap.xml");
    const sitemap = await app.get("/sitemap.xml");
    expect(sitemap.headers.get("content-type")).toContain("application/xml");
    const xml = await sitemap.text();
    expect(xml).toContain(`<loc>http://app.test/letters/${listed.slug}</loc>`);
    expect(xml).not.toContain(unlisted.slug);
    expect(xml).not.toContain("/letters/draft-");
  });

  it("leads a closed letter with its outcome: closed, final count, delivery, the response in its paragraphs; no goal bar", async () => {
    const done = await createOpenLetter(db(), { title: "A finished campaign", goal: 100 });
    await insertSignatures(db(), done.id, Array.from({ length: 12 }, () => ({})));
    await db()
      .updateTable("letters")
      .set({ status: "closed", delivered_to: "Dana Example", delivered_at: new Date("2026-11-02T12:00:00Z"), response_text: "We hear you.\n\nThe contract ends in March.", response_at: new Date("2026-11-09T12:00:00Z") })
      .where("id", "=", done.id)
      .execute();
    const html = await page(`/letters/${done.slug}`);
    const text = textOf(html);
    expect(text).toContain("12 verified signatures (final)");
    expect(html).not.toContain("<progress");
    expect(text).toContain("Final: 12% of the goal of 100.");
    expect(text.indexOf("Outcome")).toBeLessThan(text.indexOf("We, the undersigned"));
    expect(text).toContain("This letter is closed: it no longer takes signatures, and its count is final.");
    expect(text).toContain("Delivered to Dana Example on November 2, 2026.");
    expect(html).toMatch(/<blockquote class="response"><p>We hear you\.<\/p><p>The contract ends in March\.<\/p>/);
  });

  it("says when it was published, when it closes (UTC) and that everyone signed this exact text; explains hidden domain groups", async () => {
    const letter = await createOpenLetter(db(), { title: "A trusted letter", closesAt: new Date(Date.UTC(2027, 0, 31, 23, 59, 59)) });
    await insertSignatures(db(), letter.id, [
      ...Array.from({ length: 8 }, () => ({ domain: "example.com" })),
      ...Array.from({ length: 7 }, () => ({ domain: "example.net" })),
      ...Array.from({ length: 2 }, () => ({ domain: "example.org" })),
    ]);
    const row = await db().selectFrom("letters").select(["published_at", "version_hash"]).where("id", "=", letter.id).executeTakeFirstOrThrow();
    const published = row.published_at!.toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
    const text = textOf(await page(`/letters/${letter.slug}`));
    expect(text).toContain(`Published on ${published} · closes at the end of January 31, 2027 (UTC)`);
    expect(text).toContain(`Everyone signed this exact text, as published on ${published}: it cannot be edited since (text fingerprint ${row.version_hash!.slice(0, 12)} ).`);
    // 2 at example.org are too few to show, and would be 17 − 8 − 7 by subtraction: the 7 go too.
    expect(text).toContain("Verified signatures by email domain (9 in groups not shown).");
    expect(text).toMatch(/Domain Signatures example\.com 8 (Spread the word|Undersigned|Report)/);
    expect(text).toContain("Groups of fewer than 5 are not shown, since a group of two is two people someone could find");
  });

  it("introduces the site on the home page, invites organizers, and shows each letter's opening words and date", async () => {
    const letter = await createOpenLetter(db(), { title: "A letter with a body", body: "We, the **employees** of Example Corp, ask [leadership](https://example.com) to act. " + "More words. ".repeat(30) });
    fresh();
    const html = await page("/");
    const text = textOf(html);
    expect(text).toContain("Employees ask their employer, in public, to cancel a contract");
    expect(html).toMatch(/<a class="button"[^>]*href="\/letters\/new"[^>]*>Start a letter<\/a>/);
    expect(text).toContain("A letter with a body We, the employees of Example Corp, ask leadership to act. More words.");
    expect(text).toMatch(/More words\.…|More words…/);
    const row = await db().selectFrom("letters").select("published_at").where("id", "=", letter.id).executeTakeFirstOrThrow();
    expect(html).toContain(`<time dateTime="${row.published_at!.toISOString()}">`);
  });

  it("says 1 verified signature and 1 other, with plurals right in the page, its description and the home page", async () => {
    const one = await createOpenLetter(db(), { title: "A letter of one" });
    await insertSignatures(db(), one.id, [{ visibility: "anonymous" }]);
    const html = await page(`/letters/${one.slug}`);
    expect(textOf(html)).toContain("1 verified signature ");
    expect(html).toContain('content="1 verified signature. An open letter');
    const two = await createOpenLetter(db(), { title: "A letter of two" });
    await insertSignatures(db(), two.id, [{ name: "Only Named" }, { visibility: "anonymous" }]);
    const text = textOf(await page(`/letters/${two.slug}`));
    expect(text).toContain("2 verified signatures");
    expect(text).toContain("and 1 other signed anonymously.");
    expect(textOf(await page("/"))).toMatch(/A letter of one [^·]*? 1 verified signature(?!s)/);
  });

  it("pages named signers 50 at a time by keyset cursor, forwards and back, in the page and the API", async () => {
    const firstHtml = await page(`/letters/${slug}`);
    const first = textOf(firstHtml);
    expect(first).toMatch(/Named Person 00 ?, Engineer/);
    expect(first).toContain("Named Person 49");
    expect(first).not.toContain("Named Person 50");
    expect(first).not.toContain("Previous signers");
    const next = /href="[^"]*\?after=([0-9-]+)"[^>]*>More signers/.exec(firstHtml)?.[1];
    expect(next).toMatch(/^\d+-\d+$/);
    const secondHtml = await page(`/letters/${slug}?after=${next}`);
    const second = textOf(secondHtml);
    expect(second).toContain("Named Person 54");
    expect(second).not.toContain("Named Person 49");
    expect(second).not.toContain("More signers");
    // And back: the page before the second one is the first one again.
    const back = /href="[^"]*\?before=([0-9-]+)"[^>]*>Previous signers/.exec(secondHtml)?.[1];
    const again = textOf(await page(`/letters/${slug}?before=${back}`));
    expect(again).toContain("Named Person 00");
    expect(again).toContain("Named Person 49");
    expect(again).not.toContain("Named Person 50");

    const api = await (await app.get(`/api/letters/${slug}/signers`)).json();
    expect(api.signers).toHaveLength(50);
    expect(api.previous).toBeNull();
    const apiNext = await (await app.get(api.next)).json();
    expect(apiNext.signers).toHaveLength(5);
    expect(apiNext.signers[0]).toEqual({ name: "Named Person 50", jobTitle: "Engineer" });
    expect(apiNext.next).toBeNull();
    expect((await (await app.get(apiNext.previous)).json()).signers).toEqual(api.signers);
    // Past the last signer, or a cursor we never issued: nothing to cache or show.
    expect((await app.get(`/letters/${slug}?after=${Date.now() + 86_400_000}-1`)).status).toBe(404);
    expect((await app.get(`/api/letters/${slug}/signers?before=1000-1`)).status).toBe(404);
    for (const bad of ["?after=abc", "?before=1-2&after=1-2", "?after=1e9-1", "?after=9999999999999999-1", "?before=-1-1"]) {
      expect((await app.get(`/letters/${slug}${bad}`)).status, bad).toBe(404);
      expect((await app.get(`/api/letters/${slug}/signers${bad}`)).status, bad).toBe(404);
    }
  });

  it("draws the growth chart as an inline SVG with its labels in HTML and a sentence saying what it shows", async () => {
    const html = await page(`/letters/${slug}`);
    // The figure is named by its sentence; the drawing itself is decoration for screen readers.
    const figure = /<figure class="chart" aria-labelledby="([^"]+)">([\s\S]*?)<\/figure>/.exec(html);
    expect(figure).not.toBeNull();
    const [, labelledBy, inner] = figure!;
    expect(inner).toMatch(/<svg[^>]*aria-hidden="true"/);
    expect(inner).toMatch(/<path class="line" d="M[\d.]+,[\d.]+ L/);
    // Axis labels are HTML text (they keep their size on a phone), not SVG text scaled down with it.
    expect(inner).not.toContain("<text");
    expect(inner).toMatch(/<p class="chart-y" aria-hidden="true">65<\/p>/);
    expect(inner).toMatch(/<p class="chart-x" aria-hidden="true"><span>[^<]+UTC<\/span><span>[^<]+UTC<\/span><\/p>/);
    const caption = new RegExp(`<figcaption id="${labelledBy}">([^<]+)</figcaption>`).exec(inner)?.[1] ?? "";
    // A young letter counts by the hour, and the sentence names its busiest hour.
    expect(caption).toMatch(/^Verified signatures grew from 0 to 65 between .+ UTC and .+ UTC, hour by hour\. The busiest hour was .+ UTC, with \d+ signatures?\.$/);
  });

  it("carries Open Graph and Twitter meta with the count, and a canonical URL from APP_URL", async () => {
    const html = await page(`/letters/${slug}`);
    expect(html).toContain(`<link rel="canonical" href="http://app.test/letters/${slug}"/>`);
    expect(html).toContain('<meta property="og:title" content="Counted letter"/>');
    expect(html).toMatch(/<meta property="og:description" content="65 verified signatures\. An open letter from employees of Count Corp\."\/>/);
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(html).toContain(`<meta property="og:image" content="http://app.test/letters/${slug}/share.png"/>`);
    expect(html).toContain(`<meta name="twitter:image" content="http://app.test/letters/${slug}/share.png"/>`);
    expect(html).toContain('<meta property="og:image:width" content="1200"/>');
  });

  it("serves the share picture as a 1200 × 630 PNG, and none for a draft or an unknown letter", async () => {
    const response = await app.get(`/letters/${slug}/share.png`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=300/);
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the chunk's length and type.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  });

  it("opens CORS for reads on the JSON API", async () => {
    for (const path of ["/api/letters", `/api/letters/${slug}`, `/api/letters/${slug}/signers`]) {
      expect((await app.get(path)).headers.get("access-control-allow-origin")).toBe("*");
    }
  });
});

describe(`reveal threshold (${dbLabel})`, () => {
  it("shows no names below N, only counts and the promise; names at N", async () => {
    const { slug, id } = await createOpenLetter(db(), { title: "Threshold letter", revealThreshold: 5 });
    await insertSignatures(db(), id, [
      ...Array.from({ length: 4 }, (_, i) => ({ name: `Brave Soul ${i}` })),
      ...Array.from({ length: 3 }, () => ({ visibility: "anonymous" as const })),
    ]);
    const below = await page(`/letters/${slug}`);
    expect(below).not.toContain("Brave Soul");
    expect(textOf(below)).toContain("names are revealed once 5 people have signed by name");
    const belowApi = await (await app.get(`/api/letters/${slug}/signers`)).json();
    expect(belowApi).toMatchObject({ signers: [], hidden: true, revealThreshold: 5 });

    await insertSignatures(db(), id, [{ name: "Brave Soul 4" }]);
    fresh();
    const at = await page(`/letters/${slug}`);
    for (let i = 0; i < 5; i++) expect(at).toContain(`Brave Soul ${i}`);
    expect(textOf(at)).not.toContain("names are revealed once");
    expect((await (await app.get(`/api/letters/${slug}/signers`)).json()).signers).toHaveLength(5);
  });
});

describe(`anonymous signers (${dbLabel})`, () => {
  it("never show their name in any page or JSON", async () => {
    const { slug } = await createOpenLetter(db(), { title: "Anonymity letter" });
    await signAndConfirm(app, slug, { name: "Zelda Incognito", email: "zelda@example.com", title: "Director", visibility: "anonymous" });
    await signAndConfirm(app, slug, { name: "Yusuf Visible", email: "yusuf@example.com", visibility: "public" });
    const bodies = await Promise.all(
      ["/", `/letters/${slug}`, `/api/letters`, `/api/letters/${slug}`, `/api/letters/${slug}/signers`, `/letters/${slug}/check-inbox`].map(page),
    );
    expect(bodies.join("\n")).toContain("Yusuf Visible");
    for (const body of bodies) {
      expect(body).not.toContain("Zelda");
      expect(body).not.toContain("Director");
    }
  });
});

describe(`caching (${dbLabel})`, () => {
  it("marks public pages and JSON cacheable for a few seconds with stale-while-revalidate, without per-visitor data", async () => {
    const { slug } = await createOpenLetter(db(), { title: "Cached letter" });
    const cookie = await loginAs(app, "cache.organizer@example.com");
    for (const path of ["/", `/letters/${slug}`, "/api/letters", `/api/letters/${slug}`, `/api/letters/${slug}/signers`, `/letters/${slug}/check-inbox`]) {
      const response = await app.get(path, as(cookie));
      expect(response.status, path).toBe(200);
      const cacheControl = response.headers.get("cache-control")!;
      expect(cacheControl, path).toMatch(/^public, max-age=\d, /);
      expect(cacheControl, path).toMatch(/stale-while-revalidate=\d+/);
      expect(response.headers.get("set-cookie"), path).toBeNull();
      const body = await response.text();
      expect(body).not.toContain("cache.organizer");
      expect(body).not.toContain(cookie.split("=")[1]!);
    }
  });

  it("marks token pages, login and organizer pages no-store", async () => {
    const cookie = await loginAs(app, "nostore@example.com");
    const { slug } = await createOpenLetter(db(), { title: "No store letter" });
    const id = (await db().selectFrom("letters").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    await db().insertInto("letter_organizers").values({ letter_id: id, organizer_id: (await db().selectFrom("sessions").select("organizer_id").orderBy("created_at", "desc").executeTakeFirstOrThrow()).organizer_id }).execute();
    const { verifyPath, withdrawPath, cookie: resultCookie } = await signAndConfirm(app, slug, { name: "N", email: "n.store@example.com", visibility: "public" });
    for (const [path, init] of [
      [verifyPath!, { headers: { cookie: resultCookie! } }], [withdrawPath, {}], ["/login", {}], ["/dashboard", as(cookie)], [`/dashboard/letters/${id}`, as(cookie)],
      [`/dashboard/letters/${id}/preview`, as(cookie)], ["/letters/new", as(cookie)],
    ] as const) {
      const response = await app.get(path, init);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});

describe(`not found (${dbLabel})`, () => {
  it("answers 404 for an unknown slug and for a draft's slug, page and JSON alike", async () => {
    const draft = await createOpenLetter(db(), { title: "Secret draft letter" });
    await db().updateTable("letters").set({ status: "draft" }).where("id", "=", draft.id).execute();
    for (const slug of ["no-such-letter", draft.slug, "x".repeat(500), "%E2%98%83"]) {
      for (const path of [`/letters/${slug}`, `/api/letters/${slug}`, `/api/letters/${slug}/signers`, `/letters/${slug}/share.png`]) {
        const response = await app.get(path);
        expect(response.status, path).toBe(404);
        expect(await response.text()).not.toContain("Secret draft letter");
      }
    }
    expect(textOf(await (await app.get("/letters/no-such-letter")).text())).toContain("Page not found");
  });
});

describe(`counts under concurrency (${dbLabel})`, () => {
  it.skipIf(!onPostgres)("confirms hundreds of signatures on one letter at once; the count is exact and the letter row untouched", async () => {
    const { slug, id } = await createOpenLetter(db(), { title: "Burst letter" });
    const tokens = Array.from({ length: 400 }, () => randomBytes(32).toString("base64url"));
    await insertSignatures(db(), id, tokens.map((confirmToken) => ({ status: "pending" as const, confirmToken })));
    const xmin = async () => (await sql<{ x: string }>`SELECT xmin::text AS x FROM letters WHERE id = ${id}`.execute(db())).rows[0]!.x;
    const before = await xmin();
    // Signing does not touch the letter row either.
    const signed = await Promise.all(
      Array.from({ length: 100 }, (_, i) => app.post(`/letters/${slug}`, { name: `Burst ${i}`, email: `burst${i}@example.com`, visibility: "public" })),
    );
    expect(signed.map((r) => r.status).filter((s) => s !== 303)).toEqual([]);
    expect(await xmin()).toBe(before);
    const responses = await Promise.all(tokens.map((t) => app.post(`/verify/${t}`, { visibility: "anonymous" })));
    expect(responses.map((r) => r.status).filter((s) => s !== 303)).toEqual([]);
    const confirmedRows = Number(
      (await db().selectFrom("signatures").select((eb) => eb.fn.countAll().as("n")).where("letter_id", "=", id).where("status", "=", "confirmed").executeTakeFirstOrThrow()).n,
    );
    expect(confirmedRows).toBe(400);
    // Within the cache's second, then exact without any help.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await (await app.get(`/api/letters/${slug}`)).json()).signatures.verified).toBe(400);
    expect(await verifiedCount(app, slug)).toBe(400);
    expect(await xmin()).toBe(before);
  });
});
