import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../db/seed";
import { createTestDatabase, dbLabel, onPostgres, type TestDatabase } from "../helpers/db";
import { spawnProcess, type RunningProcess } from "../helpers/process";
import { TestSmtpServer } from "../helpers/smtp";

// N stateless web processes and M workers on one PostgreSQL: the deployment the README describes.
const processes: RunningProcess[] = [];
let database: TestDatabase | null = null;
let smtp: TestSmtpServer | null = null;
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await smtp?.stop();
  await database?.drop();
});

describe(`scale-out (${dbLabel})`, () => {
  it.skipIf(!onPostgres)("two web processes and two workers: one mail per signature, exact counts", async () => {
    database = await createTestDatabase();
    await seedDemo(database.connection.db);
    smtp = await new TestSmtpServer().start();
    const env = { DATABASE_URL: database.url!, SMTP_URL: smtp.url, APP_URL: "http://letters.test" };
    const [webA, webB, workerA, workerB] = await Promise.all([
      spawnProcess("server/index.js", { ...env, WORKER: "off" }),
      spawnProcess("server/index.js", { ...env, WORKER: "off" }),
      spawnProcess("server/worker.js", env, { waitFor: "worker_started" }),
      spawnProcess("server/worker.js", env, { waitFor: "worker_started" }),
    ]);
    processes.push(webA!, webB!, workerA!, workerB!);
    const webs = [webA!, webB!];
    const post = (web: RunningProcess, path: string, fields: Record<string, string>) =>
      fetch(web.url + path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

    const total = 60;
    const emails = Array.from({ length: total }, (_, i) => `scaled${i}@example.com`);
    const signed = await Promise.all(emails.map((email, i) => post(webs[i % 2]!, "/letters/demo", { name: `Scaled ${i}`, email, visibility: i % 3 ? "public" : "anonymous" })));
    expect(signed.map((r) => r.status)).toEqual(emails.map(() => 303));

    await smtp.waitFor((mails) => mails.length >= total, 30_000);
    await new Promise((r) => setTimeout(r, 1_000)); // time for any duplicate to show up
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) perAddress.set(mail.to, (perAddress.get(mail.to) ?? 0) + 1);
    expect([...perAddress.keys()].sort()).toEqual([...emails].sort());
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);

    // Confirm through both web processes, half each.
    const confirmed = await Promise.all(
      smtp.received.map((mail, i) => post(webs[i % 2]!, new URL(mail.links.find((l) => l.includes("/verify/"))!).pathname, { visibility: "anonymous" })),
    );
    expect(confirmed.map((r) => r.status)).toEqual(confirmed.map(() => 303));
    const rows = Number(
      (await database.connection.db.selectFrom("signatures").select((eb) => eb.fn.countAll().as("n")).where("status", "=", "confirmed").executeTakeFirstOrThrow()).n,
    );
    expect(rows).toBe(total);
    await new Promise((r) => setTimeout(r, 1_100)); // past each process's one-second count cache
    for (const web of webs) {
      const body = await (await fetch(`${web.url}/api/letters/demo`, { headers: { "Cache-Control": "no-cache" } })).json();
      expect(body.signatures.verified).toBe(total);
      expect(body.signatures.public + body.signatures.anonymous).toBe(total);
    }
  });
});
