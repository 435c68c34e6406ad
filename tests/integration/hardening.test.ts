import http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { seedDemo } from "../../db/seed";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { signAndConfirm } from "../helpers/signing";

let app: TestApp;
let cookie: string;
setupAll(async () => {
  app = await startTestApp();
  await seedDemo(app.services.db);
  cookie = await loginAs(app, "hardened@organizers.test");
});
afterAll(() => app?.close());

const rows = async () => ({
  signatures: (await app.services.db.selectFrom("signatures").select("id").execute()).length,
  outbox: (await app.services.db.selectFrom("email_outbox").select("id").execute()).length,
});

/** A raw HTTP request, for headers fetch will not send (Host) or bodies it would fix. */
function raw(method: string, path: string, headers: Record<string, string>, body = ""): Promise<{ status: number; body: string }> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let data = "";
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe(`security headers (${dbLabel})`, () => {
  it("sends a nonce-based CSP (no unsafe-inline scripts), frame-ancestors none, nosniff and no-referrer on every page", async () => {
    const { verifyPath } = await signAndConfirm(app, "demo", { name: "Header Check", email: "header.check@example.com", visibility: "public" });
    for (const [path, init] of [["/", {}], ["/letters/demo", {}], ["/login", {}], [verifyPath!, {}], ["/dashboard", as(cookie)], ["/no-such-page", {}], ["/letters/missing", {}]] as const) {
      const response = await app.get(path, init);
      const csp = response.headers.get("content-security-policy") ?? "";
      const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
      expect(scriptSrc, path).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
      expect(scriptSrc, path).not.toContain("unsafe-inline");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
      // Every inline script carries the nonce.
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
      const html = await response.text();
      const scripts = html.match(/<script[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
  });

  it("adds HSTS when APP_URL is https", async () => {
    const secure = await startTestApp({ env: { APP_URL: "https://letters.example.net" } });
    try {
      expect((await secure.get("/")).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    } finally {
      await secure.close();
    }
  });
});

describe(`cross-site requests (${dbLabel})`, () => {
  const sign = { name: "Forged", email: "forged@example.com", visibility: "public" };
  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin (older browsers)", { Origin: "https://evil.example" }],
    ["Origin: null without Sec-Fetch-Site", { Origin: "null" }],
  ])("refuses %s with 403 before doing anything", async (_label, headers) => {
    const before = await rows();
    for (const [path, fields, init] of [
      ["/letters/demo", sign, {}],
      ["/login", { email: "victim@example.com" }, {}],
      ["/logout", {}, as(cookie)],
      ["/letters/new", { title: "x" }, as(cookie)],
    ] as const) {
      const response = await app.post(path, fields, { headers: { ...headers, ...((init as RequestInit).headers as Record<string, string>) } });
      expect(response.status, path).toBe(403);
    }
    expect(await rows()).toEqual(before);
    expect((await app.get("/dashboard", as(cookie))).status).toBe(200); // the logout did not happen
  });

  it("accepts a same-origin post, and one whose Origin is APP_URL", async () => {
    expect((await app.post("/letters/demo", { ...sign, email: "same1@example.com" }, { headers: { "Sec-Fetch-Site": "same-origin", Origin: "null" } })).status).toBe(303);
    expect((await app.post("/letters/demo", { ...sign, email: "same2@example.com" }, { headers: { Origin: "http://app.test" } })).status).toBe(303);
  });
});

describe(`client address (${dbLabel})`, () => {
  const ipHashes = async (target: TestApp, forwarded: string[]) => {
    const letter = await target.services.db.selectFrom("letters").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
    for (const [i, ip] of forwarded.entries()) {
      await target.post("/letters/demo", { name: "Proxy", email: `proxy${i}.${Math.random()}@example.com`, visibility: "public" }, { headers: { "X-Forwarded-For": ip } });
    }
    const rows = await target.services.db.selectFrom("signatures").select("ip_hash").where("letter_id", "=", letter.id).where("status", "=", "pending").execute();
    return new Set(rows.map((r) => r.ip_hash)).size;
  };

  it("ignores X-Forwarded-For unless TRUST_PROXY says a proxy is there, so limits cannot be dodged", async () => {
    expect(await ipHashes(app, ["1.1.1.1", "2.2.2.2", "3.3.3.3"])).toBe(1);
    const proxied = await startTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      await seedDemo(proxied.services.db);
      expect(await ipHashes(proxied, ["1.1.1.1", "2.2.2.2", "3.3.3.3"])).toBe(3);
    } finally {
      await proxied.close();
    }
  });
});

describe(`links in mail (${dbLabel})`, () => {
  it("are built from APP_URL only, whatever Host or X-Forwarded-Host say", async () => {
    const body = new URLSearchParams({ name: "Spoof", email: "spoof.target@example.com", visibility: "public" }).toString();
    const response = await raw("POST", "/letters/demo", {
      Host: "evil.example",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "https",
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": String(Buffer.byteLength(body)),
    }, body);
    expect(response.status).toBe(303);
    const login = "email=spoof.target%40example.com";
    const loginResponse = await raw("POST", "/login", { Host: "evil.example", "X-Forwarded-Host": "evil.example", "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(login.length) }, login);
    expect(loginResponse.status).toBe(303);
    await app.deliverMail();
    await app.smtp.waitFor(() => app.smtp.to("spoof.target@example.com").length === 2);
    for (const mail of app.smtp.to("spoof.target@example.com")) {
      expect(mail.raw).not.toContain("evil.example");
      for (const link of mail.links) expect(link.startsWith("http://app.test/")).toBe(true);
    }
  });
});

describe(`escaping (${dbLabel})`, () => {
  it("never turns a signer's name or title into markup, in pages or JSON", async () => {
    const name = `<img src=x onerror="alert('n')">`;
    const title = "</script><script>alert('t')</script>";
    await signAndConfirm(app, "demo", { name, email: "xss@example.com", title, visibility: "public" });
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const html = await (await app.get("/letters/demo")).text();
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert('t')");
    expect(textOf(html)).toContain(`<img src=x onerror="alert('n')">`);
    const api = await (await app.get("/api/letters/demo/signers")).json();
    expect(api.signers.some((s: { name: string; jobTitle: string }) => s.name === name && s.jobTitle === title)).toBe(true);
  });

  it("escapes letter text in the document title and meta tags", async () => {
    const letter = await app.services.db.selectFrom("letters").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
    await app.services.db.updateTable("letters").set({ title: `Demo "><script>alert(1)</script>` }).where("id", "=", letter.id).execute();
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
    const html = await (await app.get("/letters/demo")).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    await app.services.db.updateTable("letters").set({ title: "Cancel the border surveillance contract" }).where("id", "=", letter.id).execute();
    app.services.cache.invalidate("");
    app.services.pageCache.invalidate("");
  });
});

describe(`malformed requests (${dbLabel})`, () => {
  it("answers a body over the limit with 413 and stores nothing", async () => {
    const before = await rows();
    const response = await app.post("/letters/demo", { name: "x".repeat(70_000), email: "big@example.com", visibility: "public" });
    expect(response.status).toBe(413);
    expect(await rows()).toEqual(before);
  });

  it("answers a chunked body without a length with 411", async () => {
    const response = await raw("POST", "/letters/demo", { "Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded" }, "name=x");
    expect(response.status).toBe(411);
  });

  it.each(["/letters/%E0%A4%A", "/verify/%ZZ", "/api/letters/%", "/withdraw/%C0%AF", "/letters/%00", "/api/letters/a%00b", "/api/letters/a%00b/signers", "/letters/%00/check-inbox", "/login/%00", "/dashboard/letters/%00"])("answers %s without a 5xx", async (path) => {
    for (const method of ["GET", "POST"]) {
      const response = await raw(method, path, { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "6" }, "name=x");
      expect(response.status, method).toBeGreaterThanOrEqual(300);
      expect(response.status, method).toBeLessThan(500);
    }
  });

  it.each([
    ["broken percent-encoding", "application/x-www-form-urlencoded", "name=%zz&email=a%@example.com&visibility=%"],
    ["a JSON body", "application/json", '{"name":"x","email":"x@example.com","visibility":"public"}'],
    ["plain text", "text/plain", "hello"],
    ["no content type", "", "name=x"],
    ["a multipart body without a boundary", "multipart/form-data", "--x\r\n"],
    ["a multipart file where a string is expected", "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="name"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nAda\r\n--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com\r\n--b\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n--b--\r\n'],
  ])("answers %s with 4xx and stores nothing", async (_label, type, body) => {
    const before = await rows();
    const headers: Record<string, string> = { "Content-Length": String(Buffer.byteLength(body)) };
    if (type) headers["Content-Type"] = type;
    for (const path of ["/letters/demo", "/login", `/verify/${"a".repeat(43)}`]) {
      const response = await raw("POST", path, headers, body);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
    expect(await rows()).toEqual(before);
  });
});
