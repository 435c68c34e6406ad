import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection";
import { LIMITS } from "../../app/utils/rate-limit.server";
import { startTestApp, TEST_SECRETS, textOf, type TestApp } from "../helpers/app";
import { as, loginAs, requestLoginLink } from "../helpers/auth";
import { createTestDatabase, dbLabel, onPostgres } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndReadMail } from "../helpers/signing";
import { setupAll } from "../helpers/setup";

let app: TestApp;
let operator: string;
let letter: { id: string; slug: string; organizerId: string };
setupAll(async () => {
  app = await startTestApp({ env: { OPERATOR_EMAILS: "ops@site.test, second.op@site.test", RATE_LIMITS: "on", TRUST_PROXY: "1" } });
  operator = await loginAs(app, "ops@site.test");
  letter = await createOpenLetter(app.services.db, { title: "Impersonating Letter" });
});
afterAll(() => app?.close());

const db = () => app.services.db;
const adminPost = (fields: Record<string, string>, who = operator) => app.post("/admin", fields, as(who));

describe(`moderation (${dbLabel})`, () => {
  it("takes reports from anyone, without an account, rate-limited, the contact address sealed", async () => {
    const page = await app.get(`/letters/${letter.slug}`);
    expect(await page.text()).toContain(`href="/letters/${letter.slug}/report"`);
    const form = await app.get(`/letters/${letter.slug}/report`);
    expect(form.status).toBe(200);
    expect(form.headers.get("x-robots-tag")).toContain("noindex");
    const short = await app.post(`/letters/${letter.slug}/report`, { reason: "bad", contact: "" });
    expect(short.status).toBe(400);
    expect(textOf(await short.text())).toContain("Say in a sentence or two what is wrong with this letter");
    const badContact = await app.post(`/letters/${letter.slug}/report`, { reason: "This impersonates Example Corp.", contact: "nope" });
    expect(textOf(await badContact.text())).toContain("Enter a valid email address, or leave it empty");
    const sent = await app.post(`/letters/${letter.slug}/report`, { reason: "This impersonates Example Corp's staff.", contact: "reporter@elsewhere.test" }, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/letters/${letter.slug}/report?sent=1`);
    expect(textOf(await (await app.get(`/letters/${letter.slug}/report?sent=1`)).text())).toContain("Thank you");
    const stored = await db().selectFrom("letter_reports").selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.contact_encrypted!).toString("latin1")).not.toContain("reporter");
    for (let i = 1; i < LIMITS.reportPerIp.points; i++) {
      expect((await app.post(`/letters/${letter.slug}/report`, { reason: `Report number ${i} of this letter.` }, { headers: { "X-Forwarded-For": "203.0.113.9" } })).status).toBe(303);
    }
    expect((await app.post(`/letters/${letter.slug}/report`, { reason: "One report too many here." }, { headers: { "X-Forwarded-For": "203.0.113.9" } })).status).toBe(429);
  });

  it("shows /admin to operators only (404 to other organizers and to visitors)", async () => {
    const organizer = await loginAs(app, "plain.organizer@example.net");
    expect((await app.get("/admin", as(organizer))).status).toBe(404);
    expect((await app.post("/admin", { intent: "suspend", organizerId: letter.organizerId }, as(organizer))).status).toBe(404);
    expect((await app.get("/admin")).status).toBe(302);
    const page = await app.get("/admin", as(operator));
    expect(page.status).toBe(200);
    const text = textOf(await page.text());
    expect(text).toContain("This impersonates Example Corp's staff.");
    expect(text).toContain("reply to reporter@elsewhere.test");
  });

  it("takes a letter down with a public reason: a tombstone everywhere, signing and confirming stop, counts frozen; and restores it", async () => {
    const pending = await signAndReadMail(app, letter.slug, { name: "Late Signer", email: "late.signer@example.com", visibility: "anonymous" });
    expect((await adminPost({ intent: "take-down", letterId: letter.id, reason: "" })).status).toBe(400);
    const down = await adminPost({ intent: "take-down", letterId: letter.id, reason: "Impersonates a company" });
    expect(down.status).toBe(200);
    const page = await app.get(`/letters/${letter.slug}`);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(textOf(html)).toContain("This letter was taken down");
    expect(textOf(html)).toContain("Reason: Impersonates a company");
    expect(html).not.toContain("Impersonating Letter");
    const api = await app.get(`/api/letters/${letter.slug}`);
    expect(api.status).toBe(410);
    expect(await api.json()).toMatchObject({ status: "taken-down", takenDown: { reason: "Impersonates a company" } });
    expect((await app.get(`/api/letters/${letter.slug}/signers`)).status).toBe(410);
    expect((await app.get(`/letters/${letter.slug}/check-inbox`)).status).toBe(410);
    expect((await app.post(`/letters/${letter.slug}`, { name: "X", email: "x@example.com", visibility: "anonymous" })).status).toBe(410);
    expect((await app.post(pending.verifyPath!, { visibility: "anonymous" })).status).toBe(409);
    expect(await (await app.get("/")).text()).not.toContain("Impersonating Letter");
    // Reports of it are resolved; the action is audited with who.
    expect(await db().selectFrom("letter_reports").select("id").where("resolved", "=", false).execute()).toEqual([]);
    const audit = await db().selectFrom("operator_audit").selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "operator", action: "take-down", letter_id: letter.id, detail: { reason: "Impersonates a company" } });
    expect(audit[0]!.operator_id).toMatch(/^\d+$/);

    expect((await adminPost({ intent: "restore", letterId: letter.id })).status).toBe(200);
    expect((await app.get(`/letters/${letter.slug}`)).status).toBe(200);
    expect((await app.post(pending.verifyPath!, { visibility: "anonymous" })).status).toBe(303);
    expect(textOf(await (await app.get("/admin", as(operator))).text())).toMatch(/you: restore \(.+\).*you: take-down \(.+\): Impersonates a company/);
  });

  it("suspends an organizer: signed out at once, no new sign-in, until the suspension is lifted", async () => {
    const victim = await loginAs(app, "suspect@example.net");
    const id = (await db().selectFrom("sessions").select("organizer_id").orderBy("created_at", "desc").executeTakeFirstOrThrow()).organizer_id;
    const created = await app.post("/letters/new", { title: "Suspect letter", organization: "Example", domains: "example.net", listed: "listed", intent: "save" }, as(victim));
    const letterPath = created.headers.get("location")!.split("?")[0]!;
    expect((await app.get("/dashboard", as(victim))).status).toBe(200);
    // A letter's page read a moment ago (reads share a session's access for a second) closes too.
    expect((await app.get(letterPath, as(victim))).status).toBe(200);
    expect((await adminPost({ intent: "suspend", organizerId: id })).status).toBe(200);
    expect((await app.get("/dashboard", as(victim))).status).toBe(302);
    expect((await app.get(letterPath, as(victim))).headers.get("location")).toBe("/login");
    const link = await requestLoginLink(app, "suspect@example.net");
    const attempt = await app.post(link, {});
    expect(attempt.status).not.toBe(303);
    expect(attempt.headers.get("set-cookie")).toBeNull();
    expect((await adminPost({ intent: "unsuspend", organizerId: id })).status).toBe(200);
    expect(await loginAs(app, "suspect@example.net")).toMatch(/session=/);
    const actions = (await db().selectFrom("operator_audit").select("action").where("organizer_id", "=", id).orderBy("id").execute()).map((a) => a.action);
    expect(actions).toEqual(["suspend-organizer", "unsuspend-organizer"]);
  });

  it("does the same from the command line, audited as such", async () => {
    const database = onPostgres ? await createTestDatabase() : null;
    const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-admin-cli-"));
    const env = { PATH: process.env.PATH!, NODE_ENV: "development" as const, DATA_DIR: dataDir, ...TEST_SECRETS, ...(database ? { DATABASE_URL: database.url! } : {}) };
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [args[0]!.endsWith(".js") ? args[0]! : "server/admin.js", ...(args[0]!.endsWith(".js") ? args.slice(1) : args)], { env }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    try {
      expect((await run("server/seed.js")).code).toBe(0);
      expect(await run("take-down", "demo")).toMatchObject({ code: 2 });
      expect(await run("take-down", "demo", "--reason", "Harasses a named person")).toMatchObject({ code: 0 });
      expect((await run("take-down", "demo", "--reason", "Again and again")).code).toBe(1);
      expect((await run("take-down", "no-such-letter", "--reason", "Whatever reason")).out).toContain('No letter with the slug "no-such-letter"');
      expect((await run("suspend", "nobody@example.net")).out).toContain("No organizer account with that address");
      expect((await run("reports")).out).toContain("No open reports.");
      expect(await run("restore", "demo")).toMatchObject({ code: 0 });
      expect((await run("frobnicate")).code).toBe(2);
      const check = database ? database.connection : connect({ pgliteDir: path.join(dataDir, "pglite") });
      try {
        const audit = await check.db.selectFrom("operator_audit").select(["actor", "action"]).orderBy("id").execute();
        expect(audit).toEqual([{ actor: "cli", action: "take-down" }, { actor: "cli", action: "restore" }]);
      } finally {
        if (!database) await check.db.destroy();
      }
    } finally {
      await database?.drop();
    }
  });
});
