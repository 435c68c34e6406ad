import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { verifiedCount } from "../helpers/signing";

let app: TestApp;
let cookie: string;
let letter: { id: string; slug: string };
let path: string;

beforeAll(async () => {
  app = await startTestApp();
  cookie = await loginAs(app, "guardian@organizers.test");
  const organizerId = (await app.services.db.selectFrom("sessions").select("organizer_id").executeTakeFirstOrThrow()).organizer_id;
  letter = await createOpenLetter(app.services.db, { title: "Targeted letter" });
  await app.services.db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: organizerId }).execute();
  path = `/dashboard/letters/${letter.id}`;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  await insertSignatures(app.services.db, letter.id, [
    // A steady trickle over the past hour from the real employer.
    ...Array.from({ length: 30 }, (_, i) => ({ domain: "example.com", createdAt: minutesAgo(15 + i), name: `Real ${i}` })),
    // A burst: one network, one subdomain, in the last ten minutes.
    ...Array.from({ length: 25 }, (_, i) => ({ domain: "bots.example.org", ipHash: "same-network", createdAt: minutesAgo(1 + (i % 8)), name: `Bot ${i}` })),
    ...Array.from({ length: 35 }, (_, i) => ({ domain: "bots.example.org", status: "pending" as const, createdAt: minutesAgo(2 + (i % 7)) })),
  ]);
});
afterAll(() => app?.close());

const form = (fields: Record<string, string | string[]>) => app.post(path, fields, as(cookie));

describe(`abuse signals and invalidation (${dbLabel})`, () => {
  it("shows organizers a burst from one network and from one domain, in counts only", async () => {
    const text = textOf(await (await app.get(path, as(cookie))).text());
    expect(text).toContain("25 signatures from one network in the last 10 minutes");
    expect(text).toContain("60 signatures from bots.example.org in the last 10 minutes");
    expect(text).not.toContain("example.com in the last"); // a steady domain is not flagged
    expect(text).not.toContain("same-network");
  });

  it("previews the count first, then invalidates exactly that set, with an audit entry", async () => {
    expect(await verifiedCount(app, letter.slug)).toBe(55);
    const preview = await form({ intent: "invalidate-preview", invDomain: "example.org", statuses: ["pending", "confirmed"] });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toMatch(/data-testid="invalidate-preview">60</);
    expect(textOf(html)).toContain("Invalidate 60 signatures");
    // Nothing changed yet.
    expect(await verifiedCount(app, letter.slug)).toBe(55);

    const stale = await form({ intent: "invalidate", invDomain: "example.org", statuses: ["pending", "confirmed"], previewed: "59" });
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("The matching set changed (60 now, 59 previewed)");
    expect(await verifiedCount(app, letter.slug)).toBe(55);

    const done = await form({ intent: "invalidate", invDomain: "example.org", statuses: ["pending", "confirmed"], previewed: "60" });
    expect(done.status).toBe(200);
    expect(textOf(await done.text())).toContain("60 signatures invalidated");
    // Public figures follow at once: the invalidation dropped the cached ones.
    expect((await (await app.get(`/api/letters/${letter.slug}`)).json()).signatures.verified).toBe(30);
    expect(await verifiedCount(app, letter.slug)).toBe(30);
    const page = await (await app.get(`/letters/${letter.slug}`)).text();
    expect(page).not.toContain("Bot 1");
    const audit = await app.services.db.selectFrom("audit_log").selectAll().where("letter_id", "=", letter.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "invalidate-signatures", detail: { domain: "example.org", count: 60, statuses: ["pending", "confirmed"] } });
    expect(textOf(await (await app.get(path, as(cookie))).text())).toContain("invalidate-signatures, 60 signatures from example.org");
  });

  it("invalidates by time window too", async () => {
    const from = new Date(Date.now() - 20 * 60_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() - 14 * 60_000).toISOString().slice(0, 16);
    const preview = await form({ intent: "invalidate-preview", invFrom: from, invTo: to, statuses: "confirmed" });
    const count = Number(/data-testid="invalidate-preview">(\d+)</.exec(await preview.text())![1]);
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThanOrEqual(7);
    expect((await form({ intent: "invalidate", invFrom: from, invTo: to, statuses: "confirmed", previewed: String(count) })).status).toBe(200);
    expect(await verifiedCount(app, letter.slug)).toBe(30 - count);
  });

  it.each([
    ["no criteria", { statuses: "confirmed" }, "Choose a domain or a time window"],
    ["no status", { invDomain: "example.com" }, "Choose pending, confirmed or both"],
    ["a bad time", { invFrom: "yesterday", statuses: "confirmed" }, "From must be a date and time"],
    ["a reversed window", { invFrom: "2026-11-29T10:00", invTo: "2026-11-29T09:00", statuses: "confirmed" }, "must end after it starts"],
    ["a bad domain", { invDomain: "*.org", statuses: "confirmed" }, "Enter a domain like example.com"],
  ])("refuses %s with 400 and a message", async (_label, fields, message) => {
    const response = await form({ intent: "invalidate-preview", ...fields });
    expect(response.status).toBe(400);
    expect(textOf(await response.text())).toContain(message);
  });

  it("neither shows nor invalidates a set of fewer than 5", async () => {
    const from = new Date(Date.now() - 44 * 60_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() - 42 * 60_000).toISOString().slice(0, 16);
    for (const intent of ["invalidate-preview", "invalidate"]) {
      const response = await form({ intent, invFrom: from, invTo: to, statuses: "confirmed", previewed: "2" });
      expect(response.status).toBe(400);
      expect(textOf(await response.text())).toContain("Fewer than 5 signatures match");
    }
  });

  it("needs a preview before invalidating", async () => {
    const response = await form({ intent: "invalidate", invDomain: "example.com", statuses: "confirmed" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Preview the count first.");
  });
});
