import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { createRateLimits, LIMITS, signAddressKeys } from "../../app/utils/rate-limit.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { dbLabel, onPostgres } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";

let app: TestApp;
let slug: string;
setupAll(async () => {
  // Behind one trusted proxy, so each test signs from a client address of its own and depends on no other.
  app = await startTestApp({ env: { RATE_LIMITS: "on", TRUST_PROXY: "1" } });
  ({ slug } = await createOpenLetter(app.services.db));
});
afterAll(() => app?.close());

const outboxRows = async () => (await app.services.db.selectFrom("email_outbox").select("id").execute()).length;
let client = "198.51.100.1";
const sign = (email: string, letterSlug = slug) =>
  app.post(`/letters/${letterSlug}`, { name: "Rate Tester", email, visibility: "anonymous" }, { headers: { "X-Forwarded-For": client } });

describe(`rate limits (${dbLabel})`, () => {
  it(`allows ${LIMITS.signPerAddress.points} submissions per address, then answers exactly as before and sends nothing`, async () => {
    client = "198.51.100.2";
    const answers = [];
    for (let i = 0; i < LIMITS.signPerAddress.points; i++) answers.push(await sign("same.person@example.com"));
    const before = await outboxRows();
    const limited = await sign("Same.Person+again@example.com"); // the same person, canonically
    // Whether an address has been tried before is nobody's business but its owner's: no 429 here.
    const shape = async (r: Response) => ({ status: r.status, location: r.headers.get("location"), retry: r.headers.get("retry-after"), body: await r.text() });
    expect(await shape(limited)).toEqual(await shape(answers[0]!));
    expect(limited.status).toBe(303);
    expect(await outboxRows()).toBe(before);
    // It was the address limit that held (not only the mail cap): the limiter says so for that address.
    const letter = await app.services.db.selectFrom("letters").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    const verdict = await app.services.limits.sign("another-network", signAddressKeys(app.services.keys.rateLimit, letter.id, "same.person@example.com"));
    expect(verdict).toMatchObject({ ok: false, scope: "address" });
    expect((await sign("someone.else@example.com")).status).toBe(303);
  });

  it(`allows ${LIMITS.signPerIp.points} submissions from one IP (a whole office behind NAT), then 429; bad input is still a 400`, async () => {
    client = "198.51.100.3";
    for (let i = 0; i < LIMITS.signPerIp.points; i++) {
      const response = await sign(`colleague${i}@example.com`);
      expect(response.status, `submission ${i + 1}`).toBe(303);
    }
    const limited = await sign("one.too.many@example.com");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // In minutes, and about the network (a whole office may share it), not "from here".
    expect(textOf(await limited.text())).toMatch(/Too many attempts from your network\. Please wait (a minute|about \d+ minutes) and try again; nothing was recorded\./);
    // Validation answers before any limit.
    expect((await sign("not-an-address")).status).toBe(400);
    // Another network is not held back by this one.
    client = "198.51.100.4";
    expect((await sign("next.door@example.com")).status).toBe(303);
  });

  it(`mails one address at most ${LIMITS.signPerAddressAnyLetter.points} times a day across all letters, silently`, async () => {
    client = "198.51.100.5";
    const letters = [];
    for (let i = 0; i < LIMITS.signPerAddressAnyLetter.points + 2; i++) letters.push((await createOpenLetter(app.services.db, { title: `Letter ${i}` })).slug);
    const before = await outboxRows();
    for (const letterSlug of letters) expect((await sign("victim@example.com", letterSlug)).status).toBe(303);
    expect(await outboxRows()).toBe(before + LIMITS.signPerAddressAnyLetter.points);
  });

  it("limits login requests per address", async () => {
    for (let i = 0; i < LIMITS.loginPerAddress.points; i++) expect((await app.post("/login", { email: "login.spam@example.com" })).status).toBe(303);
    const limited = await app.post("/login", { email: "login.spam@example.com" });
    expect(limited.status).toBe(429);
    // In words, by the time left in the limit's window: "a minute" near its end, "about 12 minutes" before.
    expect(textOf(await limited.text())).toMatch(/Too many attempts for this address\. Please wait (a minute|about \d+ minutes) and try again/);
  });

  it("puts no ceiling on a letter: thousands of signers from many networks all pass, and nothing is written per letter", async () => {
    const limits = createRateLimits(app.database.connection.pool, true);
    try {
      const refused = [];
      for (let i = 0; i < 5_000; i++) {
        const hash = `signer-${i}`.padEnd(64, "0");
        // About 17 signers per network: offices, not one flooding address.
        const verdict = limits.sign(`network-${i % 300}`, { letter: hash, anyLetter: hash });
        if (!verdict.ok) refused.push(verdict);
      }
      expect(refused).toEqual([]);
      await limits.sync();
      if (onPostgres) {
        // What reached the shared table: one row per key and window, none of them about the letter.
        const rows = await app.services.db.selectFrom("rate_limit_counts").select(["key", "window_end", "n"]).where("key", "like", "signPerIp:%").execute();
        expect(rows.length).toBeGreaterThanOrEqual(300);
        for (const row of rows) expect(row.window_end.getTime() % (LIMITS.signPerIp.duration * 1000)).toBe(0);
      }
    } finally {
      await limits.close();
    }
  });

  it("counts a sliding window: points spent at the end of one window still count at the start of the next", async () => {
    let now = Date.UTC(2026, 0, 1, 12, 9, 50); // ten seconds before a ten-minute window ends
    const limits = createRateLimits(null, true, { ...LIMITS, signPerIp: { points: 10, duration: 600 } }, undefined, () => now);
    const address = (i: number) => ({ letter: `a${i}`.padEnd(64, "0"), anyLetter: `a${i}`.padEnd(64, "0") });
    for (let i = 0; i < 10; i++) expect(limits.sign("ip", address(i)).ok).toBe(true);
    const refused = limits.sign("ip", address(10));
    expect(refused).toEqual({ ok: false, scope: "ip", retryAfterSeconds: 10 });
    now += 20_000; // ten seconds into the next window: the last one still weighs 590/600 of 10
    expect(limits.sign("ip", address(11)).ok).toBe(false);
    now += 300_000; // half-way: 10 × ~0.48 spent, so about five more
    const later = Array.from({ length: 10 }, (_, i) => limits.sign("ip", address(20 + i)).ok);
    expect(later.filter(Boolean).length).toBe(5);
    now += 1_200_000; // two windows later: the full allowance again
    expect(Array.from({ length: 10 }, (_, i) => limits.sign("ip", address(40 + i)).ok).every(Boolean)).toBe(true);
  });

  it("RATE_LIMITS=off disables them (benchmarks only)", async () => {
    const open = await startTestApp({ database: app.database, env: { RATE_LIMITS: "off" } });
    try {
      expect(open.services.limits.enabled).toBe(false);
      const address = signAddressKeys(open.services.keys.rateLimit, "1", "n@example.com");
      for (let i = 0; i <= LIMITS.signPerIp.points; i++) expect((await open.services.limits.sign("one-ip", address)).ok).toBe(true);
      for (let i = 0; i <= LIMITS.loginPerAddress.points; i++) expect((await open.services.limits.login("one-ip", "one-address")).ok).toBe(true);
      // And the app's own: the limits are on in this file's main app, so the same calls are refused there.
      let refused = false;
      for (let i = 0; i <= LIMITS.signPerIp.points && !refused; i++) refused = !(await app.services.limits.sign("one-ip", address)).ok;
      expect(refused).toBe(true);
    } finally {
      await open.close();
    }
  });
});
