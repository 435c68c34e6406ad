import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { createMailer, type Mailer } from "../../app/mail/transport.server";
import { enqueueEmail, MAX_ATTEMPTS } from "../../app/mail/outbox.server";
import { deriveKeys } from "../../app/utils/crypto.server";
import { processOutboxBatch, startWorker } from "../../app/mail/outbox-worker.server";
import { createLogger } from "../../app/utils/log.server";
import { createTestDatabase, dbLabel, onPostgres, type TestDatabase } from "../helpers/db";
import { TEST_SECRETS } from "../helpers/app";
import { TestSmtpServer } from "../helpers/smtp";

let database: TestDatabase;
let smtp: TestSmtpServer;
const keys = deriveKeys(TEST_SECRETS.EMAIL_HASH_SECRET);
const quiet = createLogger(() => {});

setupAll(async () => {
  database = await createTestDatabase();
  smtp = await new TestSmtpServer().start();
});
afterAll(async () => {
  mailer?.close();
  await smtp?.stop();
  await database?.drop();
});

const db = () => database.connection.db;
let mailer: Mailer | null = null;
const services = () => ({
  db: db(),
  keys,
  log: quiet,
  mailer: (mailer ??= createMailer({ smtpUrl: smtp.url, mailDir: "/nonexistent", from: "Undersigned <no-reply@undersigned.test>" })),
});
const enqueue = (to: string) =>
  db().transaction().execute((trx) => enqueueEmail(trx, keys.encryption, "login-link", to, { loginUrl: "http://app.test/login/x" }));
const rowsFor = () => db().selectFrom("email_outbox").selectAll().orderBy("id").execute();

describe(`the transactional outbox (${dbLabel})`, () => {
  it("stores the recipient only encrypted, sends over SMTP, then erases it", async () => {
    await enqueue("outbox-one@example.com");
    const [row] = await rowsFor();
    expect(row!.payload).not.toBeNull();
    expect(Buffer.from(row!.payload!).toString("latin1")).not.toContain("outbox-one");
    expect(await processOutboxBatch(services())).toBe(1);
    await smtp.waitFor(() => smtp.to("outbox-one@example.com").length === 1);
    expect(smtp.to("outbox-one@example.com")[0]!.subject).toBe("Your Undersigned sign-in link");
    // Sent: the row is deleted, so no send time (or anything else) is kept.
    expect(await rowsFor()).toEqual([]);
  });

  it("writes nothing when the causing transaction rolls back", async () => {
    const before = (await rowsFor()).length;
    await expect(
      db().transaction().execute(async (trx) => {
        await enqueueEmail(trx, keys.encryption, "login-link", "rolled-back@example.com", { loginUrl: "http://app.test/x" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect((await rowsFor()).length).toBe(before);
  });

  it("retries with backoff while the SMTP server is down and delivers once it is back", async () => {
    await smtp.stop();
    await enqueue("outbox-retry@example.com");
    expect(await processOutboxBatch(services())).toBe(1);
    let row = (await rowsFor()).at(-1)!;
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.payload).not.toBeNull();
    expect(row.last_error).toBeTruthy();
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: nothing is claimed.
    expect(await processOutboxBatch(services())).toBe(0);

    await smtp.start();
    await db().updateTable("email_outbox").set({ next_attempt_at: new Date() }).where("id", "=", row.id).execute();
    expect(await processOutboxBatch(services())).toBe(1);
    await smtp.waitFor(() => smtp.to("outbox-retry@example.com").length === 1);
    expect((await rowsFor()).find((r) => r.id === row.id)).toBeUndefined();
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts and erases the address then too`, async () => {
    await smtp.stop();
    await enqueue("outbox-never@example.com");
    const id = (await rowsFor()).at(-1)!.id;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await db().updateTable("email_outbox").set({ next_attempt_at: new Date() }).where("id", "=", id).execute();
      await processOutboxBatch(services());
    }
    const row = (await rowsFor()).at(-1)!;
    expect(row).toMatchObject({ status: "failed", payload: null, attempts: MAX_ATTEMPTS });
    await smtp.start();
  });

  it.skipIf(!onPostgres)("never sends one message twice with two workers on one PostgreSQL", async () => {
    const start = smtp.received.length;
    const total = 120;
    await db().transaction().execute(async (trx) => {
      for (let i = 0; i < total; i++) {
        await enqueueEmail(trx, keys.encryption, "login-link", `pair-${i}@example.com`, { loginUrl: `http://app.test/${i}` });
      }
    });
    const other = database.connectAgain();
    const a = startWorker(services(), { idleMs: 20 });
    const b = startWorker({ ...services(), db: other.db }, { idleMs: 20 });
    await smtp.waitFor((mails) => mails.length - start >= total, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([a.stop(), b.stop()]);
    const recipients = smtp.received.slice(start).map((m) => m.to);
    expect(recipients).toHaveLength(total);
    expect(new Set(recipients).size).toBe(total);
  });

  it("sends a batch over a small pool of reused SMTP connections (MAIL_MAX_CONNECTIONS), not one connection per mail", async () => {
    const pooled = createMailer({ smtpUrl: smtp.url, mailDir: "/nonexistent", from: "Undersigned <no-reply@undersigned.test>", maxConnections: 2 });
    try {
      await db().transaction().execute(async (trx) => {
        for (let i = 0; i < 30; i++) await enqueueEmail(trx, keys.encryption, "login-link", `pooled-${i}@example.com`, { loginUrl: `http://app.test/${i}` });
      });
      while ((await processOutboxBatch({ ...services(), mailer: pooled })) > 0) {}
      await smtp.waitFor((mails) => mails.filter((m) => m.to.startsWith("pooled-")).length === 30);
      // The 30 mails came over at most two connections (one per mail without a pool).
      const sessions = new Set(smtp.received.filter((m) => m.to.startsWith("pooled-")).map((m) => m.session));
      expect(sessions.size).toBeLessThanOrEqual(2);
      expect(smtp.maxConcurrent).toBeLessThanOrEqual(2 + 5); // this pool, plus the file's shared one if still open
    } finally {
      pooled.close();
    }
  });
});
