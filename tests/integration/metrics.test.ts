import { afterAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { signAndConfirm, signAndReadMail } from "../helpers/signing";
import { setupAll } from "../helpers/setup";

const TOKEN = "metrics-token-0123456789abcdef";
let app: TestApp;
let slug: string;
const secrets: string[] = [];
setupAll(async () => {
  app = await startTestApp({ env: { METRICS_TOKEN: TOKEN, RATE_LIMITS: "on" } });
  ({ slug } = await createOpenLetter(app.services.db, { title: "Measured letter" }));
});
afterAll(() => app?.close());

const scrape = async () => {
  const response = await app.get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};
const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(series + " ") || l.startsWith(series + "{") && l.split(" ")[0] === series);
  return line ? Number(line.split(" ").at(-1)) : 0;
};

describe(`metrics (${dbLabel})`, () => {
  it("exist only with METRICS_TOKEN, and only for its bearer", async () => {
    expect((await app.get("/metrics")).status).toBe(401);
    expect((await app.get("/metrics", { headers: { Authorization: "Bearer wrong-token-0123456789abcdef" } })).status).toBe(401);
    expect((await app.get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } })).headers.get("content-type")).toContain("text/plain");
    const closed = await startTestApp({ database: app.database });
    try {
      expect((await closed.get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await closed.close();
    }
  });

  it("count requests by route pattern, signatures by event, mail and the outbox, and rate limits", async () => {
    const one = await signAndConfirm(app, slug, { name: "Metered One", email: "metered.one@example.com", visibility: "public" });
    const two = await signAndReadMail(app, slug, { name: "Metered Two", email: "metered.two@example.com", visibility: "anonymous" });
    expect((await app.post(one.withdrawPath, {})).status).toBe(303);
    secrets.push(...[one.verifyPath!, two.verifyPath!, one.withdrawPath].map((p) => p.split("/")[2]!), "metered.one", "metered.two", "Metered", slug);
    // One pending mail left in the outbox, to be seen by the gauges.
    expect((await app.post(`/letters/${slug}`, { name: "Waiting", email: "waiting@example.com", visibility: "anonymous" })).status).toBe(303);
    const text = await scrape();
    expect(value(text, 'undersigned_http_requests_total{method="POST",route="/letters/:slug",status="303"}')).toBeGreaterThanOrEqual(3);
    expect(value(text, 'undersigned_http_requests_total{method="POST",route="/verify/:token",status="303"}')).toBe(1);
    const buckets = text.split("\n").filter((l) => l.startsWith("undersigned_http_request_duration_seconds_bucket{") && l.includes('route="/verify/:token"') && l.includes('method="POST"'));
    expect(buckets.length).toBeGreaterThan(5);
    expect(Number(buckets.at(-1)!.split(" ").at(-1))).toBe(1); // le="+Inf": the one confirmation
    expect(value(text, 'undersigned_signatures_total{event="submitted"}')).toBe(3);
    expect(value(text, 'undersigned_signatures_total{event="confirmed"}')).toBe(1);
    expect(value(text, 'undersigned_signatures_total{event="withdrawn"}')).toBe(1);
    expect(value(text, 'undersigned_mail_sent_total{kind="signature-confirm"}')).toBe(2);
    expect(value(text, "undersigned_outbox_pending")).toBe(1);
    expect(value(text, "undersigned_outbox_oldest_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(text, "undersigned_worker_batches_total")).toBeGreaterThanOrEqual(1);
  });

  it("never carry an address, a token, a slug or anything typed in a label", async () => {
    // A refused login (rate limit) and a 404 with a token-like path, for good measure.
    for (let i = 0; i < 6; i++) await app.post("/login", { email: "login.metered@example.com" });
    await app.get(`/verify/${"Z".repeat(43)}`);
    const text = await scrape();
    expect(value(text, 'undersigned_rate_limited_total{action="login",scope="address"}')).toBe(1);
    const labels = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
    const names = new Set(labels.flatMap((l) => [...l.matchAll(/(\w+)="/g)].map((m) => m[1]!)));
    expect([...names].sort()).toEqual(
      expect.arrayContaining(["action", "event", "kind", "le", "method", "route", "scope", "status"]),
    );
    for (const name of names) expect(["action", "event", "kind", "le", "method", "permanent", "route", "scope", "status", "quantile", "type", "space", "version", "major", "minor", "patch", "kind"]).toContain(name);
    for (const secret of [...secrets, "Z".repeat(43), "login.metered", "@"]) expect(labels.join("\n")).not.toContain(secret);
  });
});
