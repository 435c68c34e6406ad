import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { closeLetter, postUpdate, recordDelivery, recordResponse } from "../../app/models/letter-admin.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

let app: TestApp;
let story: { id: string; slug: string };
let quiet: { id: string; slug: string };
let unlisted: { id: string; slug: string };

setupAll(async () => {
  app = await startTestApp();
  const db = app.services.db;
  const news = { appUrl: app.config.appUrl };
  story = await createOpenLetter(db, { title: "Cancel <Nimbus> & co", goal: 2000 });
  await insertSignatures(db, story.id, Array.from({ length: 1234 }, () => ({})));
  await postUpdate(db, story.id, "First **news**.", news);
  await postUpdate(db, story.id, "Second news.", news);
  await recordDelivery(db, story.id, "the board", new Date("2026-11-20T00:00:00Z"), news);
  await recordResponse(db, story.id, "We decline.\n\nRegards.", new Date("2026-11-21T00:00:00Z"), news);
  await closeLetter(db, story.id, news);
  quiet = await createOpenLetter(db, { title: "A quiet letter" });
  unlisted = await createOpenLetter(db, { title: "Not listed", listed: false });
});
afterAll(() => app?.close());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["entry", "link"].includes(name) });
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface AtomEntry { id: string; title: string | { "#text": string }; updated: string; link: { "@href": string }[]; content?: unknown; summary?: unknown }
/**
 * The RFC 4287 rules a reader relies on: well-formed XML in the Atom namespace; a feed id, title,
 * updated and self link; every entry an id (unique), a title, an RFC 3339 `updated`, a link, and a
 * content or summary.
 */
function validAtom(xml: string): { feed: Record<string, unknown>; entries: AtomEntry[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const feed = parser.parse(xml).feed as Record<string, unknown> & { entry?: AtomEntry[]; link: { "@rel"?: string; "@href": string }[] };
  expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
  for (const field of ["id", "title", "updated"]) expect(feed[field], field).toBeTruthy();
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.link.some((l) => l["@rel"] === "self")).toBe(true);
  const entries = feed.entry ?? [];
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  for (const e of entries) {
    expect(e.id).toMatch(/^https?:\/\//);
    expect(e.title).toBeTruthy();
    expect(e.updated).toMatch(RFC3339);
    expect(e.link[0]!["@href"]).toBeTruthy();
    expect(e.content ?? e.summary).toBeTruthy();
  }
  return { feed, entries };
}
const titleOf = (e: AtomEntry) => (typeof e.title === "string" ? e.title : e.title["#text"]);

describe(`Atom feeds (${dbLabel})`, () => {
  it("tells a letter's story, newest first: publication, updates, delivery, response, closing", async () => {
    const response = await app.get(`/letters/${story.slug}/feed.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const { feed, entries } = validAtom(await response.text());
    expect(feed.title).toContain("Cancel <Nimbus> & co");
    // Today: closed, the two updates, the publication; the delivery and response were dated earlier.
    expect(entries.map(titleOf)).toEqual([
      "The letter is closed",
      "Update from the organizers",
      "Update from the organizers",
      "Published: Cancel <Nimbus> & co",
      "The employer responded",
      "Delivered to the board",
    ]);
    const dates = entries.map((e) => e.updated);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(entries.map((e) => e.id)).toContain(`http://app.test/letters/${story.slug}#response`);
    // Same ids on every fetch: a reader shows each event once.
    const again = validAtom(await (await app.get(`/letters/${story.slug}/feed.xml`)).text());
    expect(again.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect((await app.get("/letters/no-such-letter/feed.xml")).status).toBe(404);
  });

  it("lists newly published, listed letters in the site feed; the pages point to their feeds", async () => {
    const { entries } = validAtom(await (await app.get("/feed.xml")).text());
    const links = entries.map((e) => e.link[0]!["@href"]);
    expect(links).toContain(`http://app.test/letters/${quiet.slug}`);
    expect(links).not.toContain(`http://app.test/letters/${unlisted.slug}`);
    expect(await (await app.get(`/letters/${quiet.slug}`)).text()).toContain(`href="http://app.test/letters/${quiet.slug}/feed.xml"`);
    expect(await (await app.get("/")).text()).toMatch(/<link rel="alternate" type="application\/atom\+xml"[^>]*href="\/feed.xml"/);
  });
});

describe(`embedding the count (${dbLabel})`, () => {
  it("serves a small page other sites may frame: no script, no cookie, frame-ancestors *", async () => {
    const response = await app.get(`/letters/${story.slug}/embed`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-frame-options")).toBeNull();
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("set-cookie")).toBeNull();
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("1,234");
    expect(html).toContain("61% of the goal of 2,000");
    expect(html).toContain("Cancel &lt;Nimbus&gt; &amp; co");
    expect(html).toContain(`href="http://app.test/letters/${story.slug}"`);
    // Every other page still refuses to be framed.
    expect((await app.get(`/letters/${story.slug}`)).headers.get("x-frame-options")).toBe("DENY");
    expect((await app.get("/letters/no-such-letter/embed")).status).toBe(404);
  });

  it("draws an SVG badge with the verified count", async () => {
    const response = await app.get(`/letters/${story.slug}/badge.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    const svg = await response.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    const parsed = parser.parse(svg).svg as { "@aria-label": string; "@width": string };
    expect(parsed["@aria-label"]).toBe("verified signatures: 1,234");
    expect(Number(parsed["@width"])).toBeGreaterThan(100);
    expect(svg).not.toMatch(/<script|href=/i);
    expect((await app.get("/letters/no-such-letter/badge.svg")).status).toBe(404);
  });
});

describe(`the printable poster (${dbLabel})`, () => {
  it("prints the title, the demands and a QR code of exactly the letter's address", async () => {
    const response = await app.get(`/letters/${quiet.slug}/poster`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("A quiet letter");
    expect(html).toContain("Scan to read and sign");
    // The same symbol the QR library draws for the letter's URL, and no other.
    const { letterQrSvg } = await import("../../app/poster.server");
    const expected = await letterQrSvg(`http://app.test/letters/${quiet.slug}`);
    expect(html).toContain(expected);
    expect(html).not.toContain(await letterQrSvg(`http://app.test/letters/${story.slug}`));
    // The letter page links to it, and to its feed and embed.
    expect(await (await app.get(`/letters/${quiet.slug}`)).text()).toContain(`href="/letters/${quiet.slug}/poster"`);
    expect((await app.get("/letters/no-such-letter/poster")).status).toBe(404);
  });
});
