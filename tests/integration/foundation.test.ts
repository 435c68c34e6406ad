import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { seedDemo } from "../../db/seed";
import { startTestApp, type TestApp } from "../helpers/app";
import { createTestDatabase, dbLabel } from "../helpers/db";

let app: TestApp;
setupAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe(`foundation (${dbLabel})`, () => {
  it("runs every migration, and running again changes nothing", async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const first = await migrateToLatest(database.connection.db);
      expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(Object.keys(migrations).map((name) => [name, "Success"]));
      const tables = await sql<{ table_name: string }>`
        SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.execute(database.connection.db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["organizers", "sessions", "login_tokens", "letters", "letter_versions", "demands", "signatures", "email_outbox", "rate_limit_counts", "letter_domain_counts", "letter_hour_counts", "signature_count_events"]),
      );
      const again = await migrateToLatest(database.connection.db);
      expect(again.results).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it("seeds the demo letter once: open, listed, two domains, three demands", async () => {
    expect(await seedDemo(app.services.db)).toBe("created");
    expect(await seedDemo(app.services.db)).toBe("exists");
    const body = await (await app.get("/api/letters/demo")).json();
    expect(body).toMatchObject({ slug: "demo", status: "open", signatures: { verified: 0, public: 0, anonymous: 0 } });
    expect(body.demands.map((d: { kind: string }) => d.kind)).toEqual(["cancel_contract", "policy", "transparency"]);
    const letter = await app.services.db.selectFrom("letters").selectAll().where("slug", "=", "demo").executeTakeFirstOrThrow();
    expect(letter).toMatchObject({ listed: true, reveal_threshold: null, allowed_domains: ["example.com", "example.org"] });
    expect((await app.get("/")).status).toBe(200);
    expect(await (await app.get("/")).text()).toContain(letter.title);
  });

  it("answers /healthz with 200 while the database answers", async () => {
    const response = await app.get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("answers /healthz with 503 when the database does not", async () => {
    const other = await startTestApp();
    expect((await other.get("/healthz")).status).toBe(200); // (a driver never used would start again on the next query)
    await other.database.connection.db.destroy();
    const response = await other.get("/healthz");
    expect(response.status).toBe(503);
    await other.close().catch(() => {});
  });

  it("answers /readyz 200 when the database answers and every migration ran, 503 when one is missing or the database is gone", async () => {
    const other = await startTestApp();
    try {
      const ready = await other.get("/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.text()).toBe("ready");
      const last = Object.keys(migrations).at(-1)!;
      await sql`DELETE FROM kysely_migration WHERE name = ${last}`.execute(other.services.db);
      const behind = await other.get("/readyz");
      expect(behind.status).toBe(503);
      expect(await behind.text()).toContain("1 migration(s) not run");
      // /healthz only says the process and database are alive.
      expect((await other.get("/healthz")).status).toBe(200);
      await other.database.connection.db.destroy();
      expect((await other.get("/readyz")).status).toBe(503);
    } finally {
      await other.close().catch(() => {});
    }
  });

  it("migrates with `npm run db:migrate` (plain node, the compiled build) from a checkout path with a space, through a symlink, and fails loudly on a bad database", async () => {
    const parent = mkdtempSync(path.join(tmpdir(), "undersigned migrate "));
    const checkout = path.join(parent, "my checkout");
    symlinkSync(process.cwd(), checkout);
    const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-migrate-data-"));
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, [path.join(checkout, "server/migrate.js")], {
        cwd: checkout,
        env: { PATH: process.env.PATH!, NODE_ENV: "development", DATA_DIR: dataDir, ...env },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const first = await run({});
    expect(first.out).toContain("migrated");
    expect(first.code).toBe(0);
    expect((await run({})).out).toContain("already up to date");
    const broken = await run({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/ECONNREFUSED|connect/);
  });

  it("lists development mail at /dev/mail with clickable links, and hides it in production and wherever SMTP is used", async () => {
    const dev = await startTestApp({ env: { SMTP_URL: "" } });
    try {
      expect((await dev.post("/letters/nope", { name: "x" })).status).toBe(404); // no letter, no mail
      expect(await dev.services.db.selectFrom("email_outbox").select("id").execute()).toEqual([]);
      await seedDemo(dev.services.db);
      await dev.post("/letters/demo", { name: "Mail Reader", email: "reader@example.com", visibility: "public" });
      await dev.deliverMail();
      const html = await (await dev.get("/dev/mail")).text();
      expect(html).toContain("Please confirm your email address");
      expect(html).toMatch(/<a href="http:\/\/app\.test\/verify\/[A-Za-z0-9_-]{43}">/);
    } finally {
      await dev.close();
    }
    // Two other configurations on this file's database (a database of its own costs seconds on a busy machine).
    const shared = app.database;
    // Production without SMTP (a web process with WORKER=off): the mail directory exists, the page does not.
    const prod = await startTestApp({ database: shared, env: { NODE_ENV: "production", SMTP_URL: "", WORKER: "off" } });
    try {
      expect(prod.config.smtpUrl).toBeNull();
      expect((await prod.get("/dev/mail")).status).toBe(404);
    } finally {
      await prod.close();
    }
    // Development with SMTP: mail goes to a real server, so there is nothing to list.
    const smtp = await startTestApp({ database: shared });
    try {
      expect(smtp.config.production).toBe(false);
      expect((await smtp.get("/dev/mail")).status).toBe(404);
    } finally {
      await smtp.close();
    }
  });
});
