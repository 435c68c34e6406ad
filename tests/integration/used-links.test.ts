import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { sha256 } from "../../app/utils/crypto.server";
import { createMailer } from "../../app/mail/transport.server";
import { loadConfig } from "../../app/utils/env.server";
import { startTestApp, textOf, TEST_SECRETS, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";
import { choiceOf, signAndConfirm, signAndReadMail, type Signer } from "../helpers/signing";

let app: TestApp;
let slug: string;
let confirmedPath: string | null = null;
const TITLE = "Stop Project Kestrel";

setupAll(async () => {
  app = await startTestApp();
  ({ slug } = await createOpenLetter(app.services.db, { title: TITLE, revealThreshold: 3 }));
  // Two named signers: fewer than the threshold, so the public sees no names yet.
  for (const name of ["Hidden Named One", "Hidden Named Two"]) {
    await signAndConfirm(app, slug, { name, email: `${name.split(" ")[2]!.toLowerCase()}@example.com`, visibility: "public" });
  }
});
afterAll(() => app?.close());

const db = () => app.services.db;
const signer = (n: string): Signer => ({ name: `Person ${n}`, email: `person.${n}@example.com`, title: `Title ${n}`, visibility: "public" });
const main = (html: string) => textOf(/<main[\s\S]*<\/main>/.exec(html)![0]);
const dataOf = async (linkPath: string, route: string) => {
  const response = await app.get(`${linkPath}?_data=${encodeURIComponent(route)}`);
  return { status: response.status, body: await response.text() };
};

describe(`a used link reveals nothing (${dbLabel})`, () => {
  it("shows the same neutral page for a link that confirmed, was withdrawn, expired, was invalidated or was replaced", async () => {
    const spent: { label: string; path: string; who: Signer }[] = [];

    const a = signer("a");
    confirmedPath = (await signAndConfirm(app, slug, a)).verifyPath!;
    spent.push({ label: "confirmed", path: confirmedPath, who: a });

    const b = signer("b");
    const bLinks = await signAndConfirm(app, slug, b);
    expect((await app.post(bLinks.withdrawPath, {})).status).toBe(303);
    spent.push({ label: "withdrawn", path: bLinks.verifyPath!, who: b });

    const c = signer("c");
    const cLinks = await signAndReadMail(app, slug, c);
    const cRow = await db().selectFrom("signatures").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    await db().updateTable("confirm_links").set({ expires_at: new Date(Date.now() - 1000) }).where("signature_id", "=", cRow.id).execute();
    spent.push({ label: "expired", path: cLinks.verifyPath!, who: c });

    const d = signer("d");
    const dLinks = await signAndReadMail(app, slug, d);
    const dRow = await db().selectFrom("signatures").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    await db().updateTable("signatures").set({ status: "invalidated" }).where("id", "=", dRow.id).execute();
    spent.push({ label: "invalidated", path: dLinks.verifyPath!, who: d });

    const e = signer("e");
    const eFirst = await signAndReadMail(app, slug, e);
    const eSecond = await signAndReadMail(app, slug, { ...e, visibility: "anonymous" });
    expect((await app.post(eSecond.verifyPath!, { visibility: "anonymous" })).status).toBe(303);
    spent.push({ label: "replaced by the owner's confirmation from a newer mail", path: eFirst.verifyPath!, who: e });

    const pages = [];
    for (const { label, path: linkPath, who } of spent) {
      const response = await app.get(linkPath);
      expect(response.status, label).toBe(410);
      expect(response.headers.get("cache-control"), label).toBe("no-store");
      const html = await response.text();
      for (const secret of [who.name, who.title!, TITLE, "confirmed", "withdrawn", "anonymous", "Confirm my signature"]) {
        expect(main(html), `${label}: ${secret}`).not.toContain(secret);
      }
      expect(html).toContain(`href="/letters/${slug}"`);
      pages.push(main(html));
      // Remix's loader JSON says no more than the page.
      const data = await dataOf(linkPath, "routes/verify.$token");
      expect(JSON.parse(data.body), label).toEqual({ state: "spent", slug });
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain("This link has been used or is no longer valid");
  });

  it("shows the result only to the browser that confirmed, for a few minutes", async () => {
    const who = signer("f");
    const { verifyPath } = await signAndReadMail(app, slug, who);
    const confirmed = await app.post(verifyPath!, choiceOf(who));
    const cookie = confirmed.headers.get("set-cookie")!.split(";")[0]!;
    const mine = await app.get(verifyPath!, as(cookie));
    expect(mine.status).toBe(200);
    expect(textOf(await mine.text())).toContain("Your signature is confirmed");
    // The cookie names this link only: another link's page stays neutral for this browser too.
    const other = signer("g");
    const otherLinks = await signAndConfirm(app, slug, other);
    expect((await app.get(otherLinks.verifyPath!, as(cookie))).status).toBe(410);
    // A forged or stale cookie is ignored.
    expect((await app.get(verifyPath!, as(cookie.replace(/.$/, (ch) => (ch === "A" ? "B" : "A"))))).status).toBe(410);
    expect((await app.get(verifyPath!)).status).toBe(410);
  });

  it("shows every withdraw link the same page and answers every POST the same way, whatever its signature's state", async () => {
    const confirmed = await signAndConfirm(app, slug, signer("h"));
    const pending = await signAndReadMail(app, slug, signer("k"));
    const withdrawn = await signAndConfirm(app, slug, signer("l"));
    expect((await app.post(withdrawn.withdrawPath, {})).status).toBe(303);
    const never = `/withdraw/${"W".repeat(43)}`;
    const pages = [];
    for (const linkPath of [confirmed.withdrawPath, pending.withdrawPath, withdrawn.withdrawPath, never]) {
      const response = await app.get(linkPath);
      expect(response.status, linkPath).toBe(200);
      const html = await response.text();
      expect(html).not.toContain(TITLE);
      pages.push(main(html));
      expect(JSON.parse((await dataOf(linkPath, "routes/withdraw.$token")).body)).toEqual({ state: "ready" });
    }
    expect(new Set(pages).size).toBe(1);
    // POSTs: the same redirect and the same kind of cookie, whether there was anything to withdraw.
    const shape = async (linkPath: string) => {
      const r = await app.post(linkPath, {});
      return { status: r.status, location: r.headers.get("location") === linkPath, cookie: /^undersigned_withdraw=/.test(r.headers.get("set-cookie") ?? "") };
    };
    const answers = await Promise.all([confirmed.withdrawPath, withdrawn.withdrawPath, never].map(shape));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ status: 303, location: true, cookie: true });
    // The browser that pressed the button sees "done", in words that fit every case.
    const done = await app.post(pending.withdrawPath, {});
    const cookie = done.headers.get("set-cookie")!.split(";")[0]!;
    const page = textOf(await (await app.get(pending.withdrawPath, as(cookie))).text());
    expect(page).toContain("if there is one, no longer counts");
    expect(page).not.toContain(TITLE);
    // And it did withdraw.
    expect(await db().selectFrom("signatures").select("id").where("status", "in", ["pending", "confirmed"]).where("withdraw_token_hash", "in", [confirmed, pending].map((l) => sha256(l.withdrawPath.split("/")[2]!))).execute()).toEqual([]);
  });

  it("treats every link of a closed letter alike, and a purged signature's link like any spent one", async () => {
    const closing = await createOpenLetter(db(), { title: "Closing soon" });
    const used = await signAndConfirm(app, closing.slug, signer("m"));
    const waiting = await signAndReadMail(app, closing.slug, signer("n"));
    await db().updateTable("letters").set({ status: "closed" }).where("id", "=", closing.id).execute();
    const [a, b] = await Promise.all([used.verifyPath!, waiting.verifyPath!].map(async (p) => {
      const r = await app.get(p);
      return { status: r.status, main: main(await r.text()), data: JSON.parse((await dataOf(p, "routes/verify.$token")).body) };
    }));
    expect(a).toEqual(b);
    expect(a.status).toBe(410);
    expect(a.main).toContain("This letter has closed");
    expect(a.data).toEqual({ state: "closed", slug: closing.slug });
    for (const p of [used.verifyPath!, waiting.verifyPath!]) expect((await app.post(p, { visibility: "anonymous" })).status).toBe(409);

    // A pending signature purged after a week: its link still reads like a used one, not like an unknown one.
    const purged = await signAndReadMail(app, slug, signer("o"));
    const spentPage = main(await (await app.get(confirmedPath!)).text());
    const row = await db().selectFrom("confirm_links").select("signature_id").where("token_hash", "=", sha256(purged.verifyPath!.split("/")[2]!)).executeTakeFirstOrThrow();
    await db().deleteFrom("signatures").where("id", "=", row.signature_id!).execute();
    const response = await app.get(purged.verifyPath!);
    expect(response.status).toBe(410);
    expect(main(await response.text())).toBe(spentPage);
  });

  it("shows a pending link only the letter, the form and the reveal threshold", async () => {
    const who = signer("i");
    const { verifyPath } = await signAndReadMail(app, slug, who);
    const html = await (await app.get(verifyPath!)).text();
    expect(textOf(html)).toContain("Names are shown once 3 people have signed by name");
    const data = JSON.parse((await dataOf(verifyPath!, "routes/verify.$token")).body);
    expect(data).toEqual({
      state: "pending", title: TITLE, slug, askJobTitle: true, revealThreshold: 3,
      values: { name: who.name, title: who.title, visibility: "public" },
    });
  });
});

describe(`requests the app does not serve (${dbLabel})`, () => {
  it("answers TRACE, PUT, DELETE and PATCH with 405 and an Allow header", async () => {
    for (const method of ["TRACE", "PUT", "DELETE", "PATCH"]) {
      if (method === "TRACE") continue;
      const response = await fetch(`${app.url}/letters/${slug}`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    }
    // fetch refuses to send TRACE: a raw request does.
    const http = await import("node:http");
    const url = new URL(app.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: "TRACE", path: "/" }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(405);
  });

  it("answers a path Express cannot decode with 400, and logs no part of it", async () => {
    const token = "Q".repeat(43);
    const logged = app.logs.length;
    // Express's default error handler would print the stack to stderr (and the page): catch anything written.
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const error = console.error;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    console.error = (...args: unknown[]) => void written.push(args.map(String).join(" "));
    try {
      for (const bad of [`/verify/${token}%`, `/withdraw/${token}%zz`, `/letters/${slug}%E0%A4%A`]) {
        const response = await app.get(bad);
        expect(response.status, bad).toBe(400);
        const body = await response.text();
        expect(body).toBe("Malformed URL.");
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.stderr.write = write;
      console.error = error;
    }
    expect(written.join("")).toBe("");
    expect(app.logs.slice(logged).join("\n")).not.toContain(token);
  });

  it("marks check-inbox, confirm, withdraw, sign-in link and organizer pages noindex, in a header and a meta tag", async () => {
    const organizer = await loginAs(app, "noindex@organizers.test");
    const { verifyPath, withdrawPath } = await signAndReadMail(app, slug, signer("j"));
    for (const [page, init] of [
      [`/letters/${slug}/check-inbox`, {}], [verifyPath!, {}], [withdrawPath, {}], ["/dashboard", as(organizer)],
    ] as const) {
      const response = await app.get(page, init);
      expect(response.status, page).toBe(200);
      expect(response.headers.get("x-robots-tag"), page).toContain("noindex");
      expect(await response.text(), page).toContain('<meta name="robots" content="noindex"/>');
    }
    // A sign-in link (it carries a token) is never indexed, whatever it answers.
    expect((await app.get(`/login/${"t".repeat(43)}`)).headers.get("x-robots-tag")).toContain("noindex");
    // The public letter and the sign-in form (it belongs to nobody and reveals nothing) stay indexable.
    expect((await app.get(`/letters/${slug}`)).headers.get("x-robots-tag")).toBeNull();
    const login = await app.get("/login");
    expect(login.headers.get("x-robots-tag")).toBeNull();
    expect(await login.text()).toContain('<meta name="description" content="Organizers sign in with a one-time link');
  });
});

describe("development defaults", () => {
  it("listens on loopback unless HOST says otherwise (production defaults to all interfaces)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "undersigned-host-"));
    expect(loadConfig({ DATA_DIR: dir }).host).toBe("127.0.0.1");
    expect(loadConfig({ DATA_DIR: dir, HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ NODE_ENV: "production", SMTP_URL: "smtp://mail.test", ...TEST_SECRETS }).host).toBe("0.0.0.0");
    expect(() => loadConfig({ DATA_DIR: dir, HOST: "a b" })).toThrow(/HOST/);
  });

  it("writes .eml files readable by their owner only, in a folder only the owner can enter", async () => {
    const mailDir = path.join(mkdtempSync(path.join(tmpdir(), "undersigned-mail-")), "mail");
    const mailer = createMailer({ smtpUrl: null, mailDir, from: "Undersigned <no-reply@undersigned.test>" });
    await mailer.send("someone@example.com", { subject: "s", text: "t", html: "<p>t</p>" });
    mailer.close();
    expect(statSync(mailDir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(mailDir);
    expect(statSync(path.join(mailDir, file!)).mode & 0o777).toBe(0o600);
  });
});
