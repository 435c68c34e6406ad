import { afterAll, describe, expect, it } from "vitest";
import { deriveKeys, sha256 } from "../../app/utils/crypto.server";
import {
  confirmedResult,
  confirmStatement,
  confirmSignature,
  findConfirmLink,
  MAX_MAILS_PER_WINDOW,
  purgeUnconfirmedSignatures,
  sealSubmission,
  submitSignature,
  TOKEN_PATTERN,
  withdrawSignature,
  withdrawTokenFor,
} from "../../app/models/signature.server";
import { openPayload } from "../../app/mail/outbox.server";
import { foldCountEvents, verifiedByPeriod } from "../../app/models/counts.server";
import type { SignatureInput } from "../../app/validation";
import { TEST_SECRETS } from "../helpers/app";
import { createTestDatabase, dbLabel, type TestDatabase } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { sql } from "kysely";
import { setupAll } from "../helpers/setup";

// The signature model on its own, against a real database: every branch, exactly.
const keys = deriveKeys(TEST_SECRETS.EMAIL_HASH_SECRET);
const APP = "http://app.test";
let database: TestDatabase;
let letter: { id: string; slug: string; versionHash: string };
setupAll(async () => {
  database = await createTestDatabase();
  const created = await createOpenLetter(database.connection.db, { title: "Model letter" });
  const row = await database.connection.db.selectFrom("letters").select("version_hash").where("id", "=", created.id).executeTakeFirstOrThrow();
  letter = { ...created, versionHash: row.version_hash! };
});
afterAll(() => database?.drop());

const db = () => database.connection.db;
const ctx = () => ({ db: db(), keys, appUrl: APP });
const input = (email: string, over: Partial<SignatureInput> = {}): SignatureInput => ({ email, name: "Ada Model", title: "Engineer", visibility: "public", ...over });
/** The last mail queued: its kind and its links, opened as the worker would. */
async function lastMail() {
  const row = await db().selectFrom("email_outbox").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
  const { to, props } = openPayload(keys.encryption, row.payload!);
  const links = props as { verifyUrl?: string; withdrawUrl: string };
  return { kind: row.kind, to, verify: links.verifyUrl?.split("/").pop() ?? null, withdraw: links.withdrawUrl.split("/").pop()! };
}
/** A signature, found the only way the model allows: through the withdraw link in its mail. */
const signatureOf = async (email: string) => {
  const mail = (await db().selectFrom("email_outbox").selectAll().execute()).map((r) => openPayload(keys.encryption, r.payload!)).find((p) => p.to === email)!;
  const token = (mail.props as { withdrawUrl: string }).withdrawUrl.split("/").pop()!;
  return db().selectFrom("signatures").selectAll().where("withdraw_token_hash", "=", sha256(token)).executeTakeFirstOrThrow();
};

describe(`the signature model (${dbLabel})`, () => {
  it("records a new address as one pending signature with one sealed link and one confirmation mail", async () => {
    expect(await submitSignature(ctx(), letter, input("Model.One+x@Example.com"), "ip-1")).toBe("sent");
    const mail = await lastMail();
    expect(mail).toMatchObject({ kind: "signature-confirm", to: "Model.One+x@Example.com" });
    expect(mail.verify).toMatch(TOKEN_PATTERN);
    expect(mail.withdraw).toBe(withdrawTokenFor(keys, (await signatureOf("Model.One+x@Example.com")).email_hash));
    const row = await signatureOf("Model.One+x@Example.com");
    expect(row).toMatchObject({ status: "pending", domain: "example.com", name: null, job_title: null, visibility: null, ip_hash: "ip-1", mails_in_window: 1, letter_version: letter.versionHash, legacy_withdraw_token_hash: null });
    const link = await findConfirmLink(db(), keys, mail.verify!);
    expect(link).toEqual({
      state: "usable",
      letter: { id: letter.id, slug: letter.slug, title: "Model letter", status: "open", revealThreshold: null, askJobTitle: true },
      submission: { name: "Ada Model", title: "Engineer", visibility: "public" },
    });
    const stored = await db().selectFrom("confirm_links").selectAll().where("token_hash", "=", sha256(mail.verify!)).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ signature_id: row.id, letter_id: letter.id, used: false });
    const hours = (stored.expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(72);
    expect(hours).toBeLessThanOrEqual(73);
    expect(stored.expires_at.getUTCMinutes() + stored.expires_at.getUTCSeconds()).toBe(0);
    // The submission opens only as this link's.
    expect(() => sealSubmission(keys, "x", { name: "a", title: null, visibility: "public" }).equals(stored.submission!)).not.toThrow();
  });

  it("takes one statement whatever the address's state, so the time to answer does not tell new from known", async () => {
    // The answer is the same 303 for a new, pending, confirmed, withdrawn or capped address; a known
    // address used to take a transaction of five more statements, measurable from outside.
    let statements = 0;
    const counting = db().withPlugin({
      transformQuery: ({ node }) => ((statements += 1), node),
      transformResult: async ({ result }) => result,
    });
    const submit = async (email: string, over: Partial<SignatureInput> = {}) => {
      statements = 0;
      const outcome = await submitSignature({ ...ctx(), db: counting }, letter, input(email, over), null);
      return { outcome, statements, mail: outcome === "sent" ? (await lastMail()).kind : null };
    };
    const email = "model.timing@example.com";
    expect(await submit(email)).toEqual({ outcome: "sent", statements: 1, mail: "signature-confirm" });
    const first = (await lastMail()).verify!;
    expect(await submit(email, { name: "Second" })).toEqual({ outcome: "sent", statements: 1, mail: "signature-confirm" });
    await confirmSignature(db(), first, { name: "Ada Model", title: null, visibility: "public" });
    expect(await submit(email)).toEqual({ outcome: "sent", statements: 1, mail: "signature-already" });
    expect(await submit(email)).toEqual({ outcome: "capped", statements: 1, mail: null });
    // Confirmed stays confirmed, as chosen, through the reminder and the capped attempt.
    expect(await signatureOf(email)).toMatchObject({ status: "confirmed", name: "Ada Model", visibility: "public", mails_in_window: 3 });
    const withdrawn = "model.timing.withdrawn@example.com";
    await submitSignature(ctx(), letter, input(withdrawn), null);
    await withdrawSignature(db(), (await lastMail()).withdraw);
    expect(await submit(withdrawn)).toEqual({ outcome: "sent", statements: 1, mail: "signature-confirm" });
    expect(await signatureOf(withdrawn)).toMatchObject({ status: "pending", withdrawn_at: null, confirmed_at: null, mails_in_window: 2 });
  });

  it("keeps whole UTC hours and UTC days whatever the session's time zone", async () => {
    // A server set to a zone half an hour off UTC: hours and days must still be UTC's, as pages say.
    await db()
      .connection()
      .execute(async (conn) => {
        await sql`SET TIME ZONE 'Asia/Kolkata'`.execute(conn);
        try {
          const email = "model.zone@example.com";
          expect(await submitSignature({ db: conn, keys, appUrl: APP }, letter, input(email), null)).toBe("sent");
          const mail = await conn.selectFrom("email_outbox").select("payload").orderBy("id", "desc").executeTakeFirstOrThrow();
          const { verifyUrl, withdrawUrl } = openPayload(keys.encryption, mail.payload!).props as { verifyUrl: string; withdrawUrl: string };
          const token = verifyUrl.split("/").pop()!;
          const link = await conn.selectFrom("confirm_links").select("expires_at").where("token_hash", "=", sha256(token)).executeTakeFirstOrThrow();
          await confirmSignature(conn, token, { name: "Zoned Signer", title: null, visibility: "public" });
          const byWithdraw = sha256(withdrawUrl.split("/").pop()!);
          const row = await conn.selectFrom("signatures").selectAll().where("withdraw_token_hash", "=", byWithdraw).executeTakeFirstOrThrow();
          for (const at of [row.created_at, row.confirmed_at!, row.mail_window_start, link.expires_at]) {
            expect(at.getUTCMinutes() * 60 + at.getUTCSeconds()).toBe(0);
          }
          await foldCountEvents(conn);
          const days = await verifiedByPeriod(conn, letter.id, "day");
          expect(days.length).toBeGreaterThan(0);
          for (const { at } of days) expect(at.toISOString()).toMatch(/T00:00:00\.000Z$/);
          await withdrawSignature(conn, withdrawUrl.split("/").pop()!);
          const withdrawn = await conn.selectFrom("signatures").select("withdrawn_at").where("id", "=", row.id).executeTakeFirstOrThrow();
          expect(withdrawn.withdrawn_at!.getUTCMinutes()).toBe(0);
        } finally {
          await sql`RESET TIME ZONE`.execute(conn);
        }
      });
  });

  it("adds a link per re-submission, up to the window's cap, then sends nothing until the window has passed", async () => {
    const email = "model.two@example.com";
    const tokens: string[] = [];
    for (let i = 0; i < MAX_MAILS_PER_WINDOW; i++) {
      expect(await submitSignature(ctx(), letter, input(email, { name: `Name ${i}` }), null)).toBe("sent");
      tokens.push((await lastMail()).verify!);
    }
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("capped");
    const row = await signatureOf(email);
    expect(row.mails_in_window).toBe(MAX_MAILS_PER_WINDOW);
    // Every link works, each with its own submission.
    for (const [i, token] of tokens.entries()) {
      expect(await findConfirmLink(db(), keys, token)).toMatchObject({ state: "usable", submission: { name: `Name ${i}` } });
    }
    // 24 hours after the window's first hour it opens again (25 hours after its rounded-down start).
    await db().updateTable("signatures").set({ mail_window_start: new Date(Date.now() - 24 * 3_600_000) }).where("id", "=", row.id).execute();
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("capped");
    await db().updateTable("signatures").set({ mail_window_start: new Date(Date.now() - 25 * 3_600_000 - 1000) }).where("id", "=", row.id).execute();
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("sent");
    const after = await signatureOf(email);
    expect(after.mails_in_window).toBe(1);
    expect(after.mail_window_start.getTime()).toBeGreaterThan(Date.now() - 3_600_000 - 1000);
  });

  it("publishes exactly what the owner chose, spends every link, and refuses a second time", async () => {
    const email = "model.three@example.com";
    await submitSignature(ctx(), letter, input(email, { name: "Stranger Typed" }), null);
    const first = (await lastMail()).verify!;
    await submitSignature(ctx(), letter, input(email, { visibility: "anonymous", name: null, title: null }), null);
    const second = (await lastMail()).verify!;
    const done = await confirmSignature(db(), second, { name: "Owner Chose", title: "Lead", visibility: "public" });
    const row = await signatureOf(email);
    expect(done).toEqual({ signatureId: row.id, letterId: letter.id });
    expect(row).toMatchObject({ status: "confirmed", name: "Owner Chose", job_title: "Lead", visibility: "public", letter_version: letter.versionHash });
    expect(row.confirmed_at!.getUTCMinutes() + row.confirmed_at!.getUTCSeconds() + row.confirmed_at!.getUTCMilliseconds()).toBe(0);
    expect(await confirmedResult(db(), row.id)).toEqual({ visibility: "public" });
    const links = await db().selectFrom("confirm_links").selectAll().where("signature_id", "=", row.id).execute();
    expect(links.map((l) => [l.used, l.submission])).toEqual([[true, null], [true, null]]);
    for (const token of [first, second]) {
      expect(await confirmSignature(db(), token, { name: "Again", title: null, visibility: "public" })).toBeNull();
      expect(await findConfirmLink(db(), keys, token)).toMatchObject({ state: "spent", signatureId: row.id, closed: false });
    }
    // Re-submitting a confirmed address mails the same withdraw link, and changes nothing else.
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("sent");
    const reminder = await lastMail();
    expect(reminder).toMatchObject({ kind: "signature-already", verify: null, withdraw: withdrawTokenFor(keys, row.email_hash) });
    expect(await signatureOf(email)).toMatchObject({ status: "confirmed", name: "Owner Chose", mails_in_window: 3 });
  });

  it("keeps no name for an anonymous confirmation, and none after withdrawal; a withdrawn signature may sign again", async () => {
    const email = "model.four@example.com";
    await submitSignature(ctx(), letter, input(email), null);
    const token = (await lastMail()).verify!;
    await confirmSignature(db(), token, { name: "Ignored", title: "Ignored", visibility: "anonymous" });
    const row = await signatureOf(email);
    expect(row).toMatchObject({ status: "confirmed", visibility: "anonymous", name: null, job_title: null });
    expect(await confirmedResult(db(), row.id)).toEqual({ visibility: "anonymous" });
    const withdrawToken = withdrawTokenFor(keys, row.email_hash);
    expect(await withdrawSignature(db(), withdrawToken)).toEqual({ signatureId: row.id, letter: { id: letter.id, slug: letter.slug } });
    expect(await withdrawSignature(db(), withdrawToken)).toBeNull();
    expect(await confirmedResult(db(), row.id)).toBeNull();
    const gone = await signatureOf(email);
    expect(gone).toMatchObject({ status: "withdrawn", name: null, job_title: null, visibility: null });
    expect(gone.withdrawn_at!.getUTCMinutes()).toBe(0);
    // Signing again: pending again, a new link, the same withdraw link.
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("sent");
    const again = await lastMail();
    expect(again.withdraw).toBe(withdrawToken);
    expect(await signatureOf(email)).toMatchObject({ status: "pending", confirmed_at: null, withdrawn_at: null });
    expect(await findConfirmLink(db(), keys, token)).toMatchObject({ state: "spent" });
    expect(await findConfirmLink(db(), keys, again.verify!)).toMatchObject({ state: "usable" });
  });

  it("lets an invalidated signer sign again, and a pre-migration row keep its first withdraw link", async () => {
    const email = "model.five@example.com";
    await submitSignature(ctx(), letter, input(email), null);
    const row = await signatureOf(email);
    const legacy = "L".repeat(43);
    await db().updateTable("signatures").set({ status: "invalidated", withdraw_token_hash: null, legacy_withdraw_token_hash: sha256(legacy) }).where("id", "=", row.id).execute();
    expect(await submitSignature(ctx(), letter, input(email), null)).toBe("sent");
    const after = await db().selectFrom("signatures").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: "pending", withdraw_token_hash: sha256(withdrawTokenFor(keys, row.email_hash)) });
    // Both the legacy link and the derived one withdraw it.
    expect(await withdrawSignature(db(), legacy)).toMatchObject({ signatureId: row.id });
  });

  it("refuses confirmation on an expired link, a closed letter, or past the closing date; every link of a closed letter reads closed", async () => {
    const late = await createOpenLetter(db(), { title: "Late letter" });
    const lateLetter = { id: late.id, versionHash: "v" };
    const make = async (email: string) => {
      await submitSignature(ctx(), lateLetter, input(email), null);
      return (await lastMail()).verify!;
    };
    const expired = await make("model.six@example.com");
    await db().updateTable("confirm_links").set({ expires_at: new Date(Date.now() - 1000) }).where("token_hash", "=", sha256(expired)).execute();
    expect(await confirmSignature(db(), expired, { name: "A", title: null, visibility: "public" })).toBeNull();
    expect(await findConfirmLink(db(), keys, expired)).toMatchObject({ state: "spent", closed: false });

    const dated = await make("model.seven@example.com");
    await db().updateTable("letters").set({ closes_at: new Date(Date.now() - 1000) }).where("id", "=", late.id).execute();
    expect(await confirmSignature(db(), dated, { name: "A", title: null, visibility: "public" })).toBeNull();
    expect(await findConfirmLink(db(), keys, dated)).toMatchObject({ state: "spent", closed: true, letter: { status: "closed" } });
    await db().updateTable("letters").set({ closes_at: null, status: "closed" }).where("id", "=", late.id).execute();
    expect(await confirmSignature(db(), dated, { name: "A", title: null, visibility: "public" })).toBeNull();
    expect(await findConfirmLink(db(), keys, expired)).toMatchObject({ state: "spent", closed: true });
    await db().updateTable("letters").set({ status: "open" }).where("id", "=", late.id).execute();
    expect(await confirmSignature(db(), dated, { name: "Now", title: null, visibility: "public" })).not.toBeNull();
  });

  it("answers nothing for tokens that are not ours", async () => {
    for (const token of ["", "short", "A".repeat(44), "A".repeat(42) + "!"]) {
      expect(await findConfirmLink(db(), keys, token)).toBeNull();
      expect(await confirmSignature(db(), token, { name: "A", title: null, visibility: "public" })).toBeNull();
      expect(await withdrawSignature(db(), token)).toBeNull();
    }
    expect(await findConfirmLink(db(), keys, "B".repeat(43))).toBeNull();
    expect(await withdrawSignature(db(), "B".repeat(43))).toBeNull();
  });

  it("purges week-old pending signatures once their last link expired, keeps their links as spent, and forgets links a week after expiry", async () => {
    const purge = await createOpenLetter(db(), { title: "Purge letter" });
    const purgeLetter = { id: purge.id, versionHash: "v" };
    const old = "model.old@example.com";
    const recent = "model.recent@example.com";
    await submitSignature(ctx(), purgeLetter, input(old), null);
    const oldToken = (await lastMail()).verify!;
    await submitSignature(ctx(), purgeLetter, input(recent), null);
    const recentToken = (await lastMail()).verify!;
    const week = 7 * 86_400_000;
    const now = new Date();
    const [oldRow, recentRow] = [await signatureOf(old), await signatureOf(recent)];
    await db().updateTable("signatures").set({ created_at: new Date(now.getTime() - week - 3_600_000) }).where("id", "in", [oldRow.id, recentRow.id]).execute();
    await db().updateTable("confirm_links").set({ expires_at: new Date(now.getTime() - 3_600_000) }).where("signature_id", "=", oldRow.id).execute();
    expect(await purgeUnconfirmedSignatures(db(), now)).toBe(1);
    expect(await db().selectFrom("signatures").select("id").where("id", "in", [oldRow.id, recentRow.id]).execute()).toEqual([{ id: recentRow.id }]);
    expect(await findConfirmLink(db(), keys, oldToken)).toMatchObject({ state: "spent", signatureId: null });
    expect(await findConfirmLink(db(), keys, recentToken)).toMatchObject({ state: "usable" });
    // A week past its expiry, the link is forgotten.
    await purgeUnconfirmedSignatures(db(), new Date(now.getTime() + week));
    expect(await findConfirmLink(db(), keys, oldToken)).toBeNull();
  });
});

describe(`the confirmation's query plan (${dbLabel})`, () => {
  it("goes from the token to its signature, even when statistics were taken with nothing pending and a burst is pending now", async () => {
    const db2 = db();
    const quiet = await createOpenLetter(db2, { title: "Burst letter" });
    // A quiet hour: many confirmed signatures, none pending, when statistics are taken.
    await insertSignatures(db2, quiet.id, Array.from({ length: 20_000 }, () => ({})));
    await sql`ANALYZE signatures`.execute(db2);
    await sql`ANALYZE confirm_links`.execute(db2);
    await insertSignatures(db2, quiet.id, Array.from({ length: 3_000 }, (_, i) => ({ status: "pending" as const, confirmToken: `burst-token-${i}` })));
    const plan = await sql<{ "QUERY PLAN": unknown }>`EXPLAIN (FORMAT JSON) ${confirmStatement(sha256("burst-token-7"), { name: "", title: "", visibility: "anonymous" })}`.execute(db2);
    const text = JSON.stringify(plan.rows[0]);
    // The signature is reached by its primary key from the link, never by scanning pending signatures.
    expect(text).toContain('"Index Name":"signatures_pkey"');
    expect(text).not.toContain("signatures_pending");
    expect(text).toContain('"Index Name":"confirm_links_pkey"');
  });
});
