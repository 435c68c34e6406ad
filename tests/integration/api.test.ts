import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { postUpdate, recordDelivery, recordResponse } from "../../app/models/letter-admin.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

let app: TestApp;
let doc: { paths: Record<string, { get: { responses: Record<string, { content: { "application/json": { schema: { $ref: string } } } }> } }>; components: unknown };
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
/** Every (path template, status) a test met, to check that the document's every answer was exercised. */
const met = new Set<string>();
let open: { id: string; slug: string };
let hidden: { id: string; slug: string };
let removed: { id: string; slug: string };

setupAll(async () => {
  app = await startTestApp();
  const db = app.services.db;
  const news = { appUrl: app.config.appUrl };
  open = await createOpenLetter(db, { title: "Publish the contracts", goal: 500 });
  await insertSignatures(db, open.id, [
    ...Array.from({ length: 60 }, (_, i) => ({ domain: "example.com", name: `Named ${i}`, jobTitle: i % 2 ? "Engineer" : null })),
    ...Array.from({ length: 7 }, () => ({ domain: "example.org", visibility: "anonymous" as const })),
  ]);
  await postUpdate(db, open.id, "We met **HR**.", news);
  await recordDelivery(db, open.id, "the board", new Date("2026-11-20T00:00:00Z"), news);
  await recordResponse(db, open.id, "No.\n\nRegards.", new Date("2026-11-21T00:00:00Z"), news);
  hidden = await createOpenLetter(db, { title: "Names later", revealThreshold: 1000 });
  await insertSignatures(db, hidden.id, [{ name: "Early Bird" }]);
  removed = await createOpenLetter(db, { title: "Taken down" });
  await db.updateTable("letters").set({ taken_down_at: new Date(), takedown_reason: "Not an employee letter." }).where("id", "=", removed.id).execute();
  for (let i = 0; i < 4; i++) await createOpenLetter(db, { title: `Another letter ${i}`, organization: i === 2 ? "Zeta Widgets" : "Example Corp" });
  doc = (await (await app.get("/api/openapi.json")).json()) as typeof doc;
  ajv.addSchema({ $id: "https://undersigned.test/openapi.json", components: doc.components });
});
afterAll(() => app?.close());

/** Fetches, checks the answer against the document's schema for that path and status, returns the body. */
async function call(path: string, template: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.get(path);
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  const documented = doc.paths[template]?.get.responses[String(response.status)];
  expect(documented, `${template} documents no ${response.status}`).toBeDefined();
  const validate = ajv.compile({ $ref: `https://undersigned.test/openapi.json${documented!.content["application/json"].schema.$ref}` });
  expect(validate(body), `${path} → ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  met.add(`${template} ${response.status}`);
  return { status: response.status, body };
}

describe(`the public JSON API and its OpenAPI document (${dbLabel})`, () => {
  it("serves a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect((doc as unknown as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("lists letters page by page with a cursor: each once, newest first; searches title and organization", async () => {
    const seen: string[] = [];
    let next: string | null = "/api/letters?limit=2";
    let pages = 0;
    while (next) {
      const { status, body } = await call(next, "/api/letters");
      expect(status).toBe(200);
      seen.push(...(body.letters as { slug: string }[]).map((l) => l.slug));
      next = body.next as string | null;
      expect(++pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(6); // the taken-down letter is not listed
    expect(seen).not.toContain(removed.slug);
    const all = (await call("/api/letters", "/api/letters")).body.letters as { slug: string; publishedAt: string }[];
    expect(all.map((l) => l.slug)).toEqual(seen);
    expect([...all].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))).toEqual(all);

    const zeta = (await call("/api/letters?q=zeta", "/api/letters")).body.letters as { title: string }[];
    expect(zeta.map((l) => l.title)).toEqual(["Another letter 2"]);
    expect((await call("/api/letters?q=contracts", "/api/letters")).body.letters).toHaveLength(1);
    // A pattern character is a character, not a wildcard.
    expect((await call("/api/letters?q=%25", "/api/letters")).body.letters).toHaveLength(0);
    expect((await call("/api/letters?after=bogus", "/api/letters")).status).toBe(400);
    expect((await call("/api/letters?limit=0", "/api/letters")).status).toBe(400);
    expect((await call("/api/letters?limit=abc", "/api/letters")).status).toBe(400);
  });

  it("gives a letter's text (Markdown and HTML), dates, fingerprint, updates, delivery and response", async () => {
    const { status, body } = await call(`/api/letters/${open.slug}`, "/api/letters/{slug}");
    expect(status).toBe(200);
    expect(body.versionHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.publishedAt).toBeTruthy();
    expect((body.signatures as { verified: number }).verified).toBe(67);
    expect((body.updates as { html: string }[])[0]!.html).toContain("<strong>HR</strong>");
    expect(body.delivery).toEqual({ at: "2026-11-20T00:00:00.000Z", to: "the board" });
    expect(body.response).toEqual({ text: "No.\n\nRegards.", at: "2026-11-21T00:00:00.000Z" });
    expect((body.links as { feed: string }).feed).toBe(`http://app.test/letters/${open.slug}/feed.xml`);
    expect((await call("/api/letters/no-such-letter", "/api/letters/{slug}")).status).toBe(404);
    expect((await call(`/api/letters/${removed.slug}`, "/api/letters/{slug}")).status).toBe(410);
  });

  it("pages named signers by cursor, hides them before the threshold, and refuses unknown pages", async () => {
    const first = await call(`/api/letters/${open.slug}/signers`, "/api/letters/{slug}/signers");
    expect((first.body.signers as unknown[]).length).toBe(50);
    const second = await call(first.body.next as string, "/api/letters/{slug}/signers");
    expect((second.body.signers as unknown[]).length).toBe(10);
    expect(second.body.next).toBeNull();
    const back = await call(second.body.previous as string, "/api/letters/{slug}/signers");
    expect(back.body.signers).toEqual(first.body.signers);
    const none = await call(`/api/letters/${hidden.slug}/signers`, "/api/letters/{slug}/signers");
    expect(none.body).toMatchObject({ hidden: true, signers: [] });
    expect((await call(`/api/letters/${open.slug}/signers?after=nope`, "/api/letters/{slug}/signers")).status).toBe(404);
    expect((await call(`/api/letters/${removed.slug}/signers`, "/api/letters/{slug}/signers")).status).toBe(410);
  });

  it("exercised every answer the document promises", () => {
    const documented = Object.entries(doc.paths).flatMap(([template, item]) => Object.keys(item.get.responses).map((status) => `${template} ${status}`));
    expect([...met].sort()).toEqual(documented.sort());
  });
});
