import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { runMaintenance } from "../../app/mail/outbox-worker.server";
import { connect } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { linkPath, startTestApp, type TestApp } from "../helpers/app";
import { postUpdate } from "../../app/models/letter-admin.server";
import { loginAs } from "../helpers/auth";
import { createTestDatabase, dbLabel, onPostgres, type TestDatabase } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndConfirm, signAndReadMail } from "../helpers/signing";

const SIGNERS = [
  { name: "Priya Named", email: "priya.named@example.com", title: "Staff Engineer", visibility: "public" as const },
  { name: "Quentin Hidden", email: "quentin.hidden@example.org", title: "Designer", visibility: "anonymous" as const },
  { name: "Rosa Withdrawn", email: "rosa.withdrawn@example.org", visibility: "public" as const },
  { name: "Sam Pending", email: "sam.pending+letters@example.com", visibility: "anonymous" as const },
];
// What must never be found at rest: addresses (and their local parts) and anonymous names, which
// are never written at all.
const SECRETS = [
  ...SIGNERS.map((s) => s.email),
  "priya.named", "quentin.hidden", "rosa.withdrawn", "sam.pending", "tess.target",
  "Quentin Hidden", "Sam Pending", "Tess Target", "Prank Title", "Xavier Prankname",
  // An address a signer chose for news of the letter (subscribed, confirmed, mailed an update).
  "priya.home@personal.test", "priya.home",
];
// A withdrawn signer's name was public by their choice; it is erased from the table, but the old
// row version stays in the heap until vacuum, so it is checked in the tables only.

// Typed by a stranger as a public name, then replaced by the owner's anonymous choice: it was
// never published, so it must never have been written in the clear, not even in a dead row or the WAL.
const PRANK = `Xavier Prankname ${Math.random().toString(36).slice(2, 8)}`;

const startedAt = Date.now();
let app: TestApp;
let database: TestDatabase;
let dataDir: string | null = null;
const tokens: string[] = [];

setupAll(async () => {
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
  const { id: letterId, slug } = await createOpenLetter(app.services.db);
  for (const signer of SIGNERS.slice(0, 3)) {
    const links = await signAndConfirm(app, slug, signer);
    tokens.push(links.verifyPath!.split("/")[2]!, links.withdrawPath.split("/")[2]!);
    if (signer === SIGNERS[0]) {
      // Priya asks for news at a personal address, confirms it, and is mailed an update.
      expect((await app.post(links.verifyPath!, { intent: "subscribe", email: "priya.home@personal.test" }, { headers: { Cookie: links.cookie! } })).status).toBe(200);
      await app.deliverMail();
      const confirmPath = linkPath(app.smtp.to("priya.home@personal.test").at(-1)!.links, "/news/confirm/");
      tokens.push(confirmPath.split("/")[3]!);
      expect((await app.post(confirmPath, {})).status).toBe(303);
      await postUpdate(app.services.db, letterId, "An update for subscribers.", { appUrl: app.config.appUrl });
      await app.deliverNews();
      const news = app.smtp.to("priya.home@personal.test").at(-1)!;
      expect(news.subject).toContain("posted an update");
      tokens.push(linkPath(news.links, "/news/unsubscribe/").split("/")[3]!);
    }
  }
  const rosa = await signAndReadMail(app, slug, { ...SIGNERS[2]!, name: "Rosa Withdrawn" });
  expect((await app.post(rosa.withdrawPath, {})).status).toBe(303);
  const sam = await signAndReadMail(app, slug, SIGNERS[3]!);
  tokens.push(sam.verifyPath!.split("/")[2]!);
  // Submitted publicly as PRANK, re-submitted anonymously, confirmed (anonymously) from the first mail.
  const prank = await signAndReadMail(app, slug, { name: PRANK, email: "tess.target@example.com", title: "Prank Title", visibility: "public" });
  await signAndReadMail(app, slug, { name: "Tess Target", email: "tess.target@example.com", visibility: "anonymous" });
  expect((await app.post(prank.verifyPath!, { name: "", visibility: "anonymous" })).status).toBe(303);
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
    // The limiter's rows are keyed apart from the IP hash kept on signatures, and their windows end on
    // clock boundaries (nothing exact to the millisecond).
    await app.services.limits.sync();
    const ipHashes = (await app.services.db.selectFrom("signatures").select("ip_hash").where("ip_hash", "is not", null).execute()).map((r) => r.ip_hash!);
    expect(ipHashes.length).toBeGreaterThan(0);
    const limiterRows = await app.services.db.selectFrom("rate_limit_counts").select(["key", "window_end"]).execute();
    const limiterKeys = limiterRows.map((r) => r.key);
    if (onPostgres) expect(limiterKeys.length).toBeGreaterThan(0);
    // Every window is a multiple of five minutes and ends on such a boundary.
    for (const row of limiterRows) expect(row.window_end.getTime() % 300_000).toBe(0);
    for (const key of limiterKeys) for (const ipHash of ipHashes) expect(key).not.toContain(ipHash);
    // Bytea columns are hex in JSON: look inside them too.
    const hexDecoded = dump.replace(/\\\\x([0-9a-f]+)/g, (_m, hex: string) => Buffer.from(hex, "hex").toString("latin1"));
    for (const secret of SECRETS) expect(hexDecoded.toLowerCase()).not.toContain(secret.toLowerCase());
  });

  it.skipIf(onPostgres)("finds none of them in the raw PGlite data directory either (heap, WAL, everything)", async () => {
    await app.services.db.destroy();
    const files = filesUnder(dataDir!);
    expect(files.length).toBeGreaterThan(100);
    expect(scanFiles(files, [...SECRETS, PRANK, "organizer.private", ...tokens], dataDir!)).toBe(true);
  });

  it.skipIf(!onPostgres)("finds none of them in the raw PostgreSQL files either (this database's heap and indexes, and the WAL), after CHECKPOINT", async () => {
    const db = app.services.db;
    const { rows: [info] } = await sql<{ dir: string; oid: string }>`
      SELECT current_setting('data_directory') AS dir, (SELECT oid::text FROM pg_database WHERE datname = current_database()) AS oid`.execute(db);
    await sql`CHECKPOINT`.execute(db);
    const base = path.join(info!.dir, "base", info!.oid);
    expect(existsSync(base), `the PostgreSQL data directory must be readable by the tests: ${base}`).toBe(true);
    const wal = path.join(info!.dir, "pg_wal");
    // The WAL is shared by every database on the server: the segments written during this file's run.
    const walFiles = readdirSync(wal).map((n) => path.join(wal, n)).filter((f) => statSync(f).isFile() && statSync(f).mtimeMs >= startedAt - 1_000);
    const files = [...filesUnder(base), ...walFiles];
    expect(walFiles.length).toBeGreaterThan(0);
    expect(scanFiles(files, [...SECRETS, PRANK, "organizer.private", ...tokens], info!.dir)).toBe(true);
  });
});

/** Every regular file below a folder. */
function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) files.push(full);
    }
  };
  walk(dir);
  return files;
}

/** Fails on the first secret found in any file's bytes; true if the scan also saw the named signer (it reads table data). */
function scanFiles(files: string[], secrets: string[], root: string): boolean {
  let sawNamed = false;
  for (const file of files) {
    const bytes = readFileSync(file).toString("latin1").toLowerCase();
    if (bytes.includes("priya named")) sawNamed = true;
    for (const secret of secrets) {
      expect(bytes.includes(secret.toLowerCase()), `${secret} in ${path.relative(root, file)}`).toBe(false);
    }
  }
  return sawNamed;
}

describe(`no joins by time (${dbLabel})`, () => {
  it("leaves nothing at rest that lines a signature up with its mail: whole hours on signatures, no kept send time", async () => {
    const other = await startTestApp();
    try {
      const { slug } = await createOpenLetter(other.services.db);
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => other.post(`/letters/${slug}`, { name: `Burst ${i}`, email: `burst.${i}@example.com`, visibility: "public" })),
      );
      expect(burst.map((r) => r.status).filter((s) => s !== 303)).toEqual([]);
      const db = other.services.db;
      const columns = await sql<{ table_name: string; column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'
           AND table_name IN ('signatures', 'confirm_links', 'email_outbox')`.execute(db);
      const of = (t: string) => columns.rows.filter((c) => c.table_name === t).map((c) => c.column_name);
      expect(of("email_outbox")).not.toContain("sent_at");
      expect(of("signatures").length).toBeGreaterThanOrEqual(3);
      expect((await db.selectFrom("email_outbox").select("id").execute()).length).toBe(40);

      // Signature times are whole hours.
      for (const column of of("signatures")) {
        const { rows: [odd] } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM signatures WHERE ${sql.ref(column)} IS NOT NULL AND ${sql.ref(column)} <> date_trunc('hour', ${sql.ref(column)})`.execute(db);
        expect(odd!.n, `signatures.${column}`).toBe(0);
      }
      // No signature (or link) matches exactly one mail on any pair of timestamp columns, at any precision.
      const sides = [
        { table: "signatures", key: "id" },
        { table: "confirm_links", key: "token_hash" },
      ];
      for (const { table, key } of sides) {
        for (const left of of(table)) {
          for (const right of of("email_outbox")) {
            for (const unit of ["microseconds", "second", "minute"]) {
              const { rows: [joined] } = await sql<{ n: number }>`
                SELECT count(*)::int AS n FROM (
                  SELECT s.${sql.ref(key)} FROM ${sql.table(table)} s
                    JOIN email_outbox o ON date_trunc(${unit}, s.${sql.ref(left)}) = date_trunc(${unit}, o.${sql.ref(right)})
                   GROUP BY s.${sql.ref(key)} HAVING count(*) = 1) one_to_one`.execute(db);
              expect(joined!.n, `${table}.${left} = email_outbox.${right} (${unit})`).toBe(0);
            }
          }
        }
      }
      // Once sent, the mail's row is gone: nothing is left to join against.
      await other.deliverMail();
      expect(await db.selectFrom("email_outbox").select("id").execute()).toEqual([]);
    } finally {
      await other.close();
    }
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
      // Two organizer sessions: one expired, one live.
      await loginAs(other, "expired.organizer@example.com");
      await loginAs(other, "live.organizer@example.com");
      const sessions = await other.services.db.selectFrom("sessions").select("id_hash").orderBy("created_at").execute();
      expect(sessions).toHaveLength(2);
      await other.services.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("id_hash", "=", sessions[0]!.id_hash).execute();
      const db = other.services.db;
      expect((await db.selectFrom("signatures").select("ip_hash").execute()).every((r) => r.ip_hash)).toBe(true);
      const [oldId, newId] = (await db.selectFrom("signatures").select("id").orderBy("id").execute()).map((r) => r.id);
      await db.updateTable("signatures").set({ created_at: new Date(Date.now() - 3 * 3_600_000) }).where("id", "=", oldId!).execute();
      await db.updateTable("login_tokens").set({ expires_at: new Date(Date.now() - 1000) }).execute();
      await db.insertInto("rate_limit_counts").values({ key: "sign-address:spent", n: 3, window_end: new Date(Date.now() - 86_400_000 - 1000) }).execute();
      await other.services.limits.sync();
      await runMaintenance(other.services);
      const rows = await db.selectFrom("signatures").select(["id", "ip_hash"]).execute();
      expect(rows.find((r) => r.id === oldId)!.ip_hash).toBeNull();
      expect(rows.find((r) => r.id === newId)!.ip_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await db.selectFrom("login_tokens").selectAll().execute()).toEqual([]);
      expect((await db.selectFrom("sessions").select("id_hash").execute()).map((r) => r.id_hash)).toEqual([sessions[1]!.id_hash]);
      const limits = await db.selectFrom("rate_limit_counts").selectAll().execute();
      expect(limits.some((r) => r.key === "sign-address:spent")).toBe(false);
      expect(limits.every((r) => r.window_end.getTime() > Date.now())).toBe(true); // live counters stay
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
      const old = (await other.services.db.selectFrom("signatures").select("id").orderBy("id").limit(2).execute()).map((r) => r.id);
      await other.services.db.updateTable("signatures").set({ created_at: eightDaysAgo }).where("id", "in", old).execute();
      await other.services.db
        .updateTable("confirm_links")
        .set({ expires_at: new Date(eightDaysAgo.getTime() + 72 * 3_600_000) })
        .where("signature_id", "in", old)
        .execute();
      await runMaintenance(other.services);
      const left = await other.services.db.selectFrom("signatures").select(["id", "name", "status"]).orderBy("id").execute();
      expect(left.map((r) => [r.name, r.status])).toEqual([
        ["Old Confirmed", "confirmed"],
        [null, "pending"],
      ]);
      expect(left[1]!.id).not.toBe(old[1]);
      // The purged signature's links went with it.
      expect(await other.services.db.selectFrom("confirm_links").select("token_hash").where("signature_id", "=", old[1]!).execute()).toEqual([]);
    } finally {
      await other.close();
      await database2.drop();
    }
  });
});
