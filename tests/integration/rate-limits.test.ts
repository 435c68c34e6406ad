import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { createRateLimits, LETTER_SHARDS, letterShard, LIMITS, signAddressKeys } from "../../app/utils/rate-limit.server";
import { startTestApp, type TestApp } from "../helpers/app";
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
    const verdict = await app.services.limits.sign("another-network", signAddressKeys(app.services.keys.rateLimit, letter.id, "same.person@example.com"), letter.id);
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
    expect(await limited.text()).toMatch(/Too many attempts.*nothing was recorded/s);
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
    expect((await app.post("/login", { email: "login.spam@example.com" })).status).toBe(429);
  });

  it("splits the per-letter limit over shards by signer fingerprint, each exact at its boundary", async () => {
    const limits = createRateLimits(app.database.connection.pool, true, { ...LIMITS, signPerLetter: { points: 2 * LETTER_SHARDS, duration: 60 } });
    const hashes = Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(8, "0") + "f".repeat(56));
    const shard0 = hashes.filter((h) => letterShard(h) === 0);
    const shard1 = hashes.find((h) => letterShard(h) === 1)!;
    const letterId = `letter-${Math.random()}`;
    const address = (hash: string) => ({ letter: hash, anyLetter: hash });
    expect((await limits.sign(`ip-a`, address(shard0[0]!), letterId)).ok).toBe(true);
    expect((await limits.sign(`ip-b`, address(shard0[1]!), letterId)).ok).toBe(true);
    expect((await limits.sign(`ip-c`, address(shard0[2]!), letterId)).ok).toBe(false);
    expect((await limits.sign(`ip-d`, address(shard1), letterId)).ok).toBe(true);
  });

  it.skipIf(!onPostgres)("holds across processes: two limiters on one PostgreSQL share the count", async () => {
    const other = app.database.connectAgain();
    const limits = { ...LIMITS, signPerIp: { points: 4, duration: 60 } };
    const a = createRateLimits(app.database.connection.pool, true, limits);
    const b = createRateLimits(other.pool, true, limits);
    const ip = `shared-ip-${Math.random()}`;
    const results = [];
    for (let i = 0; i < 5; i++) {
      const hash = `address-${i}`.padEnd(64, "0");
      results.push((await (i % 2 ? b : a).sign(ip, { letter: hash, anyLetter: hash }, "1")).ok);
    }
    expect(results).toEqual([true, true, true, true, false]);
  });

  it("RATE_LIMITS=off disables them (benchmarks only)", async () => {
    const open = await startTestApp({ database: app.database, env: { RATE_LIMITS: "off" } });
    try {
      expect(open.services.limits.enabled).toBe(false);
      const address = signAddressKeys(open.services.keys.rateLimit, "1", "n@example.com");
      for (let i = 0; i <= LIMITS.signPerIp.points; i++) expect((await open.services.limits.sign("one-ip", address, "1")).ok).toBe(true);
      for (let i = 0; i <= LIMITS.loginPerAddress.points; i++) expect((await open.services.limits.login("one-ip", "one-address")).ok).toBe(true);
      // And the app's own: the limits are on in this file's main app, so the same calls are refused there.
      let refused = false;
      for (let i = 0; i <= LIMITS.signPerIp.points && !refused; i++) refused = !(await app.services.limits.sign("one-ip", address, "1")).ok;
      expect(refused).toBe(true);
    } finally {
      await open.close();
    }
  });
});
