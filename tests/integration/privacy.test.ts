import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMaintenance } from "../../app/worker.server";
import { connect } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { startTestApp, type TestApp } from "../helpers/app";
import { createTestDatabase, dbLabel, onPostgres, type TestDatabase } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndConfirm, signAndReadMail } from "../helpers/signing";

const SIGNERS = [
  { name: "Priya Named", email: "priya.named@example.com", title: "Staff Engineer", visibility: "public" as const },
  { name: "Quentin Hidden", email: "quentin.hidden@example.org", title: "Designer", visibility: "anonymous" as const },
  { name: "Rosa Withdrawn", email: "rosa.withdrawn@eng.example.com", visibility: "public" as const },
  { name: "Sam Pending", email: "sam.pending+letters@example.com", visibility: "anonymous" as const },
];
// What must never be found at rest: addresses (and their local parts) and anonymous names, which
// are never written at all.
const SECRETS = [
  ...SIGNERS.map((s) => s.email),
  "priya.named", "quentin.hidden", "rosa.withdrawn", "sam.pending",
  "Quentin Hidden", "Sam Pending",
];
// A withdrawn signer's name was public by their choice; it is erased from the table, but the old
// row version stays in the heap until vacuum, so it is checked in the tables only.

let app: TestApp;
let database: TestDatabase;
let dataDir: string | null = null;
const tokens: string[] = [];

beforeAll(async () => {
  if (onPostgres) {
    database = await createTestDatabase();
  } else {
    // On disk, so the raw data directory (heap files, WAL) can be read afterwards.
    dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-privacy-"));
    const connection = connect({ pgliteDir: path.join(dataDir, "pglite") });
    await migrateToLatest(connection.db);
    database = { connection, url: null, connectAgain: () => { throw new Error("pglite"); }, drop: () => connection.db.destroy() };
  }
  app = await startTestApp({ database });
  const { slug } = await createOpenLetter(app.services.db);
  for (const signer of SIGNERS.slice(0, 3)) {
    const links = await signAndConfirm(app, slug, signer);
    tokens.push(links.verifyPath!.split("/")[2]!, links.withdrawPath.split("/")[2]!);
  }
  const rosa = await signAndReadMail(app, slug, { ...SIGNERS[2]!, name: "Rosa Withdrawn" });
  expect((await app.post(rosa.withdrawPath, {})).status).toBe(303);
  const sam = await signAndReadMail(app, slug, SIGNERS[3]!);
  tokens.push(sam.verifyPath!.split("/")[2]!);
  // A login too: organizer addresses are kept only hashed or encrypted as well.
  await app.post("/login", { email: "organizer.private@example.com" });
  await app.deliverMail();
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe(`no signer in the clear at rest (${dbLabel})`, () => {
  it("finds no address, anonymous name or token in any column of any table", async () => {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`.execute(app.services.db);
    expect(tables.rows.length).toBeGreaterThanOrEqual(12);
    let dump = "";
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(app.services.db);
      dump += rows.rows.map((r) => r.row).join("\n");
    }
    expect(dump).toContain("Priya Named"); // the named signer is public by choice
    for (const secret of [...SECRETS, "Rosa Withdrawn", "organizer.private", ...tokens]) {
      expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    // Bytea columns are hex in JSON: look inside them too.
    const hexDecoded = dump.replace(/\\\\x([0-9a-f]+)/g, (_m, hex: string) => Buffer.from(hex, "hex").toString("latin1"));
    for (const secret of SECRETS) expect(hexDecoded.toLowerCase()).not.toContain(secret.toLowerCase());
  });

  it.skipIf(onPostgres)("finds none of them in the raw PGlite data directory either (heap, WAL, everything)", async () => {
    await app.services.db.destroy();
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(dataDir!);
    expect(files.length).toBeGreaterThan(100);
    let sawNamed = false;
    for (const file of files) {
      const bytes = readFileSync(file).toString("latin1").toLowerCase();
      if (bytes.includes("priya named")) sawNamed = true;
      for (const secret of [...SECRETS, "organizer.private", ...tokens]) {
        expect(bytes.includes(secret.toLowerCase()), `${secret} in ${path.relative(dataDir!, file)}`).toBe(false);
      }
    }
    expect(sawNamed).toBe(true); // the scan does read table data
  });
});

describe(`retention (${dbLabel})`, () => {
  it("forgets IP hashes after two hours, and expired login tokens, sessions and rate-limit counters", async () => {
    const database2 = await createTestDatabase();
    const other = await startTestApp({ database: database2 });
    try {
      const { slug } = await createOpenLetter(other.services.db);
      await other.post(`/letters/${slug}`, { name: "Old", email: "old.ip@example.com", visibility: "public" });
      await other.post(`/letters/${slug}`, { name: "New", email: "new.ip@example.com", visibility: "public" });
      await other.post("/login", { email: "old.login@example.com" });
      const db = other.services.db;
      expect((await db.selectFrom("signatures").select("ip_hash").execute()).every((r) => r.ip_hash)).toBe(true);
      await db.updateTable("signatures").set({ created_at: new Date(Date.now() - 3 * 3_600_000) }).where("name", "=", "Old").execute();
      await db.updateTable("login_tokens").set({ expires_at: new Date(Date.now() - 1000) }).execute();
      await db.insertInto("rate_limits" as never).values({ key: "sign-address:spent", points: 3, expire: Date.now() - 1000 } as never).execute();
      await runMaintenance(other.services);
      const rows = await db.selectFrom("signatures").select(["name", "ip_hash"]).orderBy("name").execute();
      expect(rows.find((r) => r.name === "Old")!.ip_hash).toBeNull();
      expect(rows.find((r) => r.name === "New")!.ip_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await db.selectFrom("login_tokens").selectAll().execute()).toEqual([]);
      const limits = (await db.selectFrom("rate_limits" as never).selectAll().execute()) as { key: string; expire: string }[];
      expect(limits.some((r) => r.key === "sign-address:spent")).toBe(false);
      expect(limits.every((r) => Number(r.expire) > Date.now())).toBe(true); // live counters stay
      if (onPostgres) expect(limits.length).toBeGreaterThan(0); // (on PGlite the limiter counts in memory)
    } finally {
      await other.close();
      await database2.drop();
    }
  });

  it("purges unconfirmed signatures older than 7 days, and nothing else", async () => {
    const database2 = await createTestDatabase();
    const other = await startTestApp({ database: database2 });
    try {
      const { slug } = await createOpenLetter(other.services.db);
      await signAndConfirm(other, slug, { name: "Old Confirmed", email: "old.confirmed@example.com", visibility: "public" });
      await signAndReadMail(other, slug, { name: "Old Pending", email: "old.pending@example.com", visibility: "public" });
      await signAndReadMail(other, slug, { name: "New Pending", email: "new.pending@example.com", visibility: "public" });
      const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
      await other.services.db
        .updateTable("signatures")
        .set({ created_at: eightDaysAgo, confirm_expires_at: new Date(eightDaysAgo.getTime() + 72 * 3_600_000) })
        .where("name", "in", ["Old Confirmed", "Old Pending"])
        .execute();
      await runMaintenance(other.services);
      const left = await other.services.db.selectFrom("signatures").select(["name", "status"]).orderBy("name").execute();
      expect(left).toEqual([
        { name: "New Pending", status: "pending" },
        { name: "Old Confirmed", status: "confirmed" },
      ]);
    } finally {
      await other.close();
      await database2.drop();
    }
  });
});
