import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { seedDemo } from "../../db/seed";
import { startTestApp, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";

// Generated hostile input against the sign, login and organizer actions: never a 5xx, and a
// rejected request leaves every table as it was. Fixed seed and bounded runs, so CI is repeatable.
const SEED = 20261129;
const RUNS = 400;

let app: TestApp;
let cookie: string;
let draftPath: string;
let publishedPath: string;
const CONFIRM_TOKEN = "C".repeat(43);
const WITHDRAW_TOKEN = "W".repeat(43);
setupAll(async () => {
  app = await startTestApp({ env: { RATE_LIMITS: "off" } });
  await seedDemo(app.services.db);
  cookie = await loginAs(app, "fuzz@organizers.test");
  const created = await app.post("/letters/new", { title: "Fuzz target", organization: "Fuzz Co", domains: "example.com", listed: "listed", intent: "save" }, as(cookie));
  draftPath = created.headers.get("location")!.replace(/[?#].*/, "");
  // A published letter too, so updates, settings, delivery, response and invalidation are reached.
  const published = await createOpenLetter(app.services.db, { title: "Published fuzz target" });
  const organizerId = (await app.services.db.selectFrom("sessions").select("organizer_id").executeTakeFirstOrThrow()).organizer_id;
  await app.services.db.insertInto("letter_organizers").values({ letter_id: published.id, organizer_id: organizerId }).execute();
  publishedPath = `/dashboard/letters/${published.id}`;
  // Real tokens, so confirming and withdrawing do reach their actions.
  await insertSignatures(app.services.db, published.id, [
    { status: "pending", confirmToken: CONFIRM_TOKEN, withdrawToken: WITHDRAW_TOKEN },
  ]);
});
afterAll(() => app?.close());

const TABLES = ["signatures", "confirm_links", "email_outbox", "login_tokens", "letters", "demands", "letter_updates", "letter_organizers", "letter_invites", "audit_log", "organizers", "sessions"] as const;

async function snapshot(): Promise<string> {
  const parts = await Promise.all(TABLES.map(async (t) => `${t}:${JSON.stringify(await app.services.db.selectFrom(t).selectAll().execute())}`));
  return parts.join("\n");
}

const FIELDS = ["name", "email", "title", "visibility", "intent", "body", "addressee", "organization", "domains", "demandKind", "demandText", "listed", "goal", "closesAt", "revealThreshold", "askJobTitle", "organizerId", "deliveredTo", "deliveredAt", "responseText", "responseAt", "invDomain", "invFrom", "invTo", "statuses", "previewed", "signatureId"];
const VALUES = ["update", "delivery", "response", "settings", "0000-01-01", "2026-11-29T10:00", "confirmed", "pending", "public", "anonymous", "save", "publish", "close", "remove:0", "move-up:1", "invite", "invalidate", "invalidate-preview", "hide-name", "1", "a@example.com", "x@example.com.evil.test", "gmail.com", "example.com", "2027-02-31", "-1", "1e9", "on", "listed", "\u0000", "%00", "<script>alert(1)</script>", "a\r\nBcc: x@example.com"];

const field = fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 12 }));
const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 120 }), fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ minLength: 200, maxLength: 400 }));
const request = fc.record({
  target: fc.constantFrom("sign", "login", "new", "edit", "published", "verify", "withdraw"),
  encoding: fc.constantFrom("urlencoded", "multipart", "json", "garbage"),
  fields: fc.array(fc.tuple(field, value), { maxLength: 14 }),
  garbage: fc.string({ maxLength: 200 }),
});

function encode(encoding: string, fields: [string, string][], garbage: string): { type: string; body: string } {
  if (encoding === "urlencoded") return { type: "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() };
  if (encoding === "json") return { type: "application/json", body: JSON.stringify(Object.fromEntries(fields)) };
  if (encoding === "multipart") {
    const parts = fields.map(([k, v]) => `--fz\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "")}"\r\n\r\n${v}\r\n`);
    return { type: "multipart/form-data; boundary=fz", body: `${parts.join("")}--fz--\r\n` };
  }
  return { type: "application/x-www-form-urlencoded", body: garbage };
}

describe(`fuzzing the actions (${dbLabel})`, () => {
  it(`never answers 5xx and stores nothing for a rejected input (seed ${SEED}, ${RUNS} runs)`, async () => {
    const paths: Record<string, string> = {
      sign: "/letters/demo",
      login: "/login",
      new: "/letters/new",
      edit: draftPath,
      published: publishedPath,
      verify: `/verify/${CONFIRM_TOKEN}`,
      withdraw: `/withdraw/${WITHDRAW_TOKEN}`,
    };
    await fc.assert(
      fc.asyncProperty(request, async ({ target, encoding, fields, garbage }) => {
        const before = await snapshot();
        const { type, body } = encode(encoding, fields, garbage);
        const response = await fetch(app.url + paths[target], {
          method: "POST",
          body,
          redirect: "manual",
          headers: { "Content-Type": type, ...(["new", "edit", "published"].includes(target) ? { Cookie: cookie } : {}) },
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(await snapshot()).toBe(before);
        if (target === "verify" || target === "withdraw") expect([303, 415, 400, 409]).toContain(response.status);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
