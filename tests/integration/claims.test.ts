import { afterAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../app/utils/rate-limit.server";
import { startWorker } from "../../app/mail/outbox-worker.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs, requestLoginLink } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

// One test for each promise the README makes that nothing else would catch breaking.
let app: TestApp;
let organizer: string;
let letter: { id: string; slug: string };
let path: string;
setupAll(async () => {
  app = await startTestApp({ env: { RATE_LIMITS: "on" } });
  organizer = await loginAs(app, "claims@organizers.test");
  const organizerId = (await app.services.db.selectFrom("sessions").select("organizer_id").executeTakeFirstOrThrow()).organizer_id;
  letter = await createOpenLetter(app.services.db, { title: "Claims letter", goal: 100 });
  await app.services.db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: organizerId }).execute();
  path = `/dashboard/letters/${letter.id}`;
});
afterAll(() => app?.close());

describe(`what the README promises (${dbLabel})`, () => {
  it("lets invitations share the login limits of the address invited", async () => {
    const invitee = "invited.many@example.net";
    for (let i = 0; i < LIMITS.loginPerAddress.points; i++) {
      expect((await app.post(path, { intent: "invite", email: invitee, inviterName: "Org" }, as(organizer))).status).toBe(200);
    }
    expect((await app.post(path, { intent: "invite", email: invitee, inviterName: "Org" }, as(organizer))).status).toBe(429);
    // The same address, asking for a login itself, is at its limit too.
    expect((await app.post("/login", { email: invitee })).status).toBe(429);
  });

  it("lets a login link work exactly once, even when pressed many times at once", async () => {
    const link = await requestLoginLink(app, "racer@example.net");
    const responses = await Promise.all(Array.from({ length: 10 }, () => app.post(link, {})));
    const sessions = responses.filter((r) => r.status === 303 && /session=/.test(r.headers.get("set-cookie") ?? ""));
    expect(sessions).toHaveLength(1);
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
  });

  it("gives up at once on a mailbox the relay refuses for good (5xx), erasing the address", async () => {
    app.smtp.refuse.add("no.such.person@example.com");
    expect((await app.post(`/letters/${letter.slug}`, { name: "Nobody", email: "no.such.person@example.com", visibility: "anonymous" })).status).toBe(303);
    await app.deliverMail();
    const rows = await app.services.db.selectFrom("email_outbox").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "failed", attempts: 1, payload: null });
    expect(rows[0]!.last_error).toMatch(/550/);
    expect(rows[0]!.last_error).not.toContain("no.such.person");
  });

  it("runs the worker's maintenance on its own schedule: expired sessions go, live ones stay", async () => {
    const db = app.services.db;
    const stale = await loginAs(app, "expired.session@example.net");
    const newest = await db.selectFrom("sessions").select("id_hash").orderBy("created_at", "desc").executeTakeFirstOrThrow();
    await db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("id_hash", "=", newest.id_hash).execute();
    expect((await app.get("/dashboard", as(stale))).status).toBe(302);
    const expiredBefore = (await db.selectFrom("sessions").select("id_hash").where("expires_at", "<", new Date()).execute()).length;
    expect(expiredBefore).toBe(1);
    const worker = startWorker(app.services, { idleMs: 20, maintenanceMs: 50 });
    try {
      await expect.poll(async () => (await db.selectFrom("sessions").select("id_hash").where("expires_at", "<", new Date()).execute()).length, { timeout: 30_000 }).toBe(0);
    } finally {
      await worker.stop();
    }
    // The live session still works.
    expect((await app.get("/dashboard", as(organizer))).status).toBe(200);
  });

  it("closes a letter by itself at the closing date entered through the settings form", async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const saved = await app.post(path, { intent: "settings", listed: "listed", goal: "150", closesAt: yesterday, revealThreshold: "" }, as(organizer));
    expect(saved.status).toBe(200);
    const stored = await app.services.db.selectFrom("letters").select(["goal", "closes_at", "listed"]).where("id", "=", letter.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ goal: 150, listed: true });
    expect(stored.closes_at!.toISOString()).toBe(`${yesterday}T23:59:59.000Z`);
    // Settings changed after publishing show at once.
    const page = textOf(await (await app.get(`/letters/${letter.slug}`)).text());
    expect(page).toContain("This letter is closed");
    expect(page).toContain("of the goal of 150");
    expect((await app.post(`/letters/${letter.slug}`, { name: "Late", email: "late@example.com", visibility: "anonymous" })).status).toBe(409);
    expect((await (await app.get(`/api/letters/${letter.slug}`)).json()).status).toBe("closed");
    // Unlisting takes it off the home page.
    expect((await app.post(path, { intent: "settings", listed: "unlisted", goal: "150", closesAt: yesterday, revealThreshold: "" }, as(organizer))).status).toBe(200);
    expect(await (await app.get("/")).text()).not.toContain("Claims letter");
  });
});
