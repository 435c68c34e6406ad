import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { connect } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedDemo } from "../../db/seed";
import { createTestDatabase, dbLabel, onPostgres, type TestDatabase } from "../helpers/db";
import { TEST_SECRETS } from "../helpers/app";
import { spawnProcess, type RunningProcess } from "../helpers/process";
import { TestSmtpServer } from "../helpers/smtp";

// The real entry point (`npm start`) as a child process: start-up, logs, shutdown.
let smtp: TestSmtpServer;
let database: TestDatabase | null = null;
let server: RunningProcess;

setupAll(async () => {
  smtp = await new TestSmtpServer().start();
  const env: Record<string, string> = { SMTP_URL: smtp.url };
  if (onPostgres) {
    database = await createTestDatabase();
    await seedDemo(database.connection.db);
    env.DATABASE_URL = database.url!;
  } else {
    // PGlite is one process at a time: seed its data directory first, then hand it to the server.
    env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "undersigned-proc-"));
    const { db } = connect({ pgliteDir: path.join(env.DATA_DIR, "pglite") });
    await migrateToLatest(db);
    await seedDemo(db);
    await db.destroy();
  }
  server = await spawnProcess("server/index.js", env);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
  await database?.drop();
});

const post = (path: string, fields: Record<string, string>) =>
  fetch(server.url + path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

describe(`the server process (${dbLabel})`, () => {
  it("logs one JSON line per request through a full journey, with no address, token or cookie", async () => {
    const email = "log.watcher+tag@example.com";
    expect((await post("/letters/demo", { name: "Log Watcher", email, visibility: "public" })).status).toBe(303);
    await smtp.waitFor(() => smtp.to(email).length === 1);
    const links = smtp.to(email)[0]!.links;
    const verify = new URL(links.find((l) => l.includes("/verify/"))!);
    const withdraw = new URL(links.find((l) => l.includes("/withdraw/"))!);
    expect((await fetch(server.url + verify.pathname)).status).toBe(200);
    expect((await post(verify.pathname, { name: "Log Watcher", visibility: "public" })).status).toBe(303);
    // Used: to anyone without this browser's result cookie, the link says nothing.
    expect((await fetch(server.url + verify.pathname)).status).toBe(410);
    expect((await post(withdraw.pathname, {})).status).toBe(303);
    await fetch(`${server.url}/letters/demo?after=0-1`);
    // An organizer too: login token, session cookie.
    const organizer = "log.organizer@example.com";
    await post("/login", { email: organizer });
    await smtp.waitFor(() => smtp.to(organizer).length === 1);
    const loginLink = new URL(smtp.to(organizer)[0]!.links[0]!);
    const session = (await post(loginLink.pathname, {})).headers.get("set-cookie")!.split(";")[0]!;
    expect((await fetch(`${server.url}/dashboard`, { headers: { Cookie: session } })).status).toBe(200);

    // The log line is written when the response finishes, a moment after the client has it.
    await expect.poll(() => server.output().includes('"route":"/dashboard"'), { timeout: 10_000 }).toBe(true);
    const lines = server.output().trim().split("\n");
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
    expect(requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual(
      expect.arrayContaining(["POST /letters/:slug 303", "GET /verify/:token 200", "POST /verify/:token 303", "POST /withdraw/:token 303"]),
    );
    for (const r of requests) expect(Object.keys(r).sort()).toEqual(["event", "level", "method", "ms", "route", "status", "time"]);
    const everything = server.output();
    const tokens = [verify.pathname.split("/")[2]!, withdraw.pathname.split("/")[2]!];
    const secrets = [email, "log.watcher", "Log Watcher", ...tokens, organizer, loginLink.pathname.split("/")[2]!, session.split("=")[1]!, TEST_SECRETS.SESSION_SECRET, TEST_SECRETS.EMAIL_HASH_SECRET];
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual(expect.arrayContaining(["POST /login/:token 303", "GET /dashboard 200"]));
  });

  it("serves pages and stops cleanly on SIGTERM", async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const started = Date.now();
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('"event":"shutdown"');
  });
});
