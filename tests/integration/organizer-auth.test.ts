import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { startTestApp, type TestApp } from "../helpers/app";
import { as, loginAs, requestLoginLink } from "../helpers/auth";
import { dbLabel } from "../helpers/db";

let app: TestApp;
setupAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const organizers = () => app.services.db.selectFrom("organizers").selectAll().execute();

describe(`organizer login by magic link (${dbLabel})`, () => {
  it("answers POST /login the same whether or not the address has an account", async () => {
    await loginAs(app, "known@example.com");
    const known = await app.post("/login", { email: "known@example.com" });
    const unknown = await app.post("/login", { email: "stranger@example.com" });
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers.get("location")).toBe("/login?sent=1");
    expect(known.headers.get("location")).toBe(unknown.headers.get("location"));
    expect(await unknown.text()).toBe(await known.text());
    expect(known.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses a malformed address with 400 and the message at the field", async () => {
    const response = await app.post("/login", { email: "nope" });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="email-error"[^>]*>Enter a valid email/);
  });

  it("leaves the token usable after scanner GET and HEAD; the POST logs in once", async () => {
    const path = await requestLoginLink(app, "scanned@example.com");
    expect(path).toMatch(/^\/login\/[A-Za-z0-9_-]{43}$/);
    expect(await (await app.get(path)).text()).toContain("Press the button to finish signing in");
    for (let i = 0; i < 3; i++) {
      expect((await app.get(path)).status).toBe(200);
      expect((await app.get(path, { method: "HEAD" })).status).toBe(200);
    }
    const login = await app.post(path, {});
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/dashboard");
    // Used: refused on GET and POST alike.
    expect((await app.get(path)).status).toBe(410);
    expect((await app.post(path, {})).status).toBe(410);
  });

  it("refuses an expired token (410) and an unknown one (404)", async () => {
    const path = await requestLoginLink(app, "slow@example.com");
    await app.services.db.updateTable("login_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("used_at", "is", null).execute();
    expect((await app.get(path)).status).toBe(410);
    expect((await app.post(path, {})).status).toBe(410);
    expect((await app.get(`/login/${"B".repeat(43)}`)).status).toBe(404);
    expect((await app.post(`/login/${"B".repeat(900)}`, {})).status).toBe(404);
  });

  it("stores only the token's SHA-256, and an account keyed by a hash, not the address", async () => {
    const path = await requestLoginLink(app, "hashed@example.com");
    const token = path.split("/")[2]!;
    const rows = await app.services.db.selectFrom("login_tokens").select("token_hash").execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    const before = (await organizers()).length;
    await app.post(path, {});
    const after = await organizers();
    expect(after.length).toBe(before + 1);
    expect(JSON.stringify(after)).not.toContain("hashed@example.com");
  });

  it("creates the account on first login and finds it again on the next", async () => {
    await loginAs(app, "twice@example.com");
    const count = (await organizers()).length;
    await loginAs(app, "Twice@Example.com");
    expect((await organizers()).length).toBe(count);
  });

  it("sets an HttpOnly, SameSite=Lax session cookie; logout ends the session in the database", async () => {
    const path = await requestLoginLink(app, "cookie@example.com");
    const login = await app.post(path, {});
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^undersigned_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = setCookie.split(";")[0]!;
    expect((await app.get("/dashboard", as(cookie))).status).toBe(200);
    const created = await app.post("/letters/new", { title: "Cookie letter", organization: "Example", domains: "example.com", listed: "listed", intent: "save" }, as(cookie));
    const letterPath = created.headers.get("location")!.split("?")[0]!;
    // Read a moment before logging out: reads share a session's access for a second, logging out ends it.
    expect((await app.get(letterPath, as(cookie))).status).toBe(200);
    const sessions = (await app.services.db.selectFrom("sessions").selectAll().execute()).length;
    const logout = await app.post("/logout", {}, as(cookie));
    expect(logout.status).toBe(303);
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await app.services.db.selectFrom("sessions").selectAll().execute()).length).toBe(sessions - 1);
    // The old cookie no longer opens anything.
    const after = await app.get("/dashboard", as(cookie));
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe("/login");
    expect((await app.get(letterPath, as(cookie))).headers.get("location")).toBe("/login");
  });

  it("uses a __Host- prefixed Secure cookie when APP_URL is https", async () => {
    const secure = await startTestApp({ env: { APP_URL: "https://letters.example.net" } });
    try {
      const path = await requestLoginLink(secure, "tls@example.com");
      expect(secure.smtp.to("tls@example.com")[0]!.links[0]).toMatch(/^https:\/\/letters\.example\.net\/login\//);
      const setCookie = (await secure.post(path, {})).headers.get("set-cookie")!;
      expect(setCookie).toMatch(/^__Host-undersigned_session=/);
      expect(setCookie).toMatch(/; Secure/);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Domain=/);
    } finally {
      await secure.close();
    }
  });

  it("sends visitors without a session to the login page", async () => {
    for (const path of ["/dashboard", "/letters/new", "/dashboard/letters/1"]) {
      const response = await app.get(path);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/login");
    }
  });
});
