import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/utils/env.server";
import { keyIdOf } from "../../app/utils/crypto.server";
import { runMaintenance } from "../../app/mail/outbox-worker.server";
import { startTestApp, TEST_SECRETS, textOf, type TestApp } from "../helpers/app";
import { loginAs } from "../helpers/auth";
import { createTestDatabase, dbLabel, type TestDatabase } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

const K1 = "1:first-encryption-secret-0123456789abcdef";
const K2 = "2:second-encryption-secret-0123456789abcdef";
let database: TestDatabase;
const apps: TestApp[] = [];
setupAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.drop();
});
const start = async (ENCRYPTION_KEYS?: string) => {
  const app = await startTestApp({ database, env: ENCRYPTION_KEYS ? { ENCRYPTION_KEYS } : {} });
  apps.push(app);
  return app;
};
const sealed = async (app: TestApp) => {
  const db = app.services.db;
  return [
    ...(await db.selectFrom("email_outbox").select("payload as v").where("payload", "is not", null).execute()),
    ...(await db.selectFrom("confirm_links").select("submission as v").where("submission", "is not", null).execute()),
    ...(await db.selectFrom("organizers").select("email_encrypted as v").execute()),
  ].map((r) => keyIdOf(r.v!));
};

describe(`rotating the encryption key (${dbLabel})`, () => {
  it("delivers mail sealed under the old key after rotation, re-seals everything under the new one, then needs only the new key", async () => {
    // Before any ENCRYPTION_KEYS: key 0, derived from EMAIL_HASH_SECRET.
    const legacy = await start();
    const { slug } = await createOpenLetter(legacy.services.db, { title: "Rotation letter" });
    await loginAs(legacy, "rotating.organizer@example.com");
    expect((await legacy.post(`/letters/${slug}`, { name: "Zero Key", email: "zero@example.com", visibility: "public" })).status).toBe(303);
    // Key 1 introduced; a signature whose mail waits in the outbox when the key rotates again.
    const one = await start(K1);
    expect((await one.post(`/letters/${slug}`, { name: "One Key", email: "one@example.com", title: "Pilot", visibility: "public" })).status).toBe(303);
    expect(new Set(await sealed(one))).toEqual(new Set([0, 1]));

    const two = await start(`${K2},${K1}`);
    await two.deliverMail();
    await two.smtp.waitFor(() => two.smtp.to("zero@example.com").length === 1 && two.smtp.to("one@example.com").length === 1);
    // The mailed link opens its sealed submission, sealed under key 1.
    const link = new URL(two.smtp.to("one@example.com")[0]!.links.find((l) => l.includes("/verify/"))!).pathname;
    expect(await (await two.get(link)).text()).toMatch(/<input[^>]*name="name"[^>]*value="One Key"/);
    // New secrets go under key 2.
    expect((await two.post(`/letters/${slug}`, { name: "Two Key", email: "two@example.com", visibility: "anonymous" })).status).toBe(303);
    expect((await sealed(two)).filter((id) => id === 2).length).toBeGreaterThan(0);

    // The worker's maintenance re-seals what older keys still hold.
    await runMaintenance(two.services);
    expect(new Set(await sealed(two))).toEqual(new Set([2]));
    expect(two.logs.some((l) => l.includes('"event":"reencrypted"'))).toBe(true);

    // Now the old keys can go: everything still opens with key 2 alone.
    const only = await start(K2);
    expect(await (await only.get(link)).text()).toMatch(/<input[^>]*name="name"[^>]*value="One Key"/);
    await only.deliverMail();
    await only.smtp.waitFor(() => only.smtp.to("two@example.com").length === 1);
    const organizer = await loginAs(only, "rotating.organizer@example.com");
    expect(organizer).toMatch(/session=/);
  });

  it("leaves a row it cannot open as it is, and says so", async () => {
    const one = await start(K1);
    const { slug } = await createOpenLetter(one.services.db, { title: "Dropped key letter" });
    expect((await one.post(`/letters/${slug}`, { name: "Stranded", email: "stranded@example.com", visibility: "anonymous" })).status).toBe(303);
    const dropped = await start(K2); // key 1 dropped before its mail left: that mail cannot be sent
    await runMaintenance(dropped.services);
    expect(dropped.logs.find((l) => l.includes('"event":"reencrypted"'))).toMatch(/"unreadable":[1-9]/);
    expect(textOf(JSON.stringify(dropped.logs))).not.toContain("stranded@example.com");
  });

  it("refuses a malformed ENCRYPTION_KEYS with a message that says how to write it", () => {
    const base = { ...TEST_SECRETS, DATA_DIR: "/tmp/undersigned-keys-test" };
    for (const [value, message] of [
      ["short", "must be <id>:<secret>"],
      ["0:" + "x".repeat(40), "id from 1 to 255"],
      ["3:tooshort", "at least 32 characters"],
      [`${K1},${K1}`, "appears twice"],
    ]) {
      expect(() => loadConfig({ ...base, ENCRYPTION_KEYS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, ENCRYPTION_KEYS: value })).toThrow(message);
    }
    expect(loadConfig({ ...base, ENCRYPTION_KEYS: `${K2},${K1}` }).encryptionKeys.map((k) => k.id)).toEqual([2, 1]);
  });
});
