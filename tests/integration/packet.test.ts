import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postUpdate, recordDelivery, recordResponse } from "../../app/models/letter-admin.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { as, loginAs } from "../helpers/auth";
import { dbLabel } from "../helpers/db";
import { createOpenLetter, insertSignatures } from "../helpers/fixtures";
import { setupAll } from "../helpers/setup";

let app: TestApp;
let alice: string;
let mallory: string;
let shown: { id: string; slug: string };
let hidden: { id: string; slug: string };
let versionHash: string;
let aliceId: string;

const HOSTILE_NAME = '=HYPERLINK("http://evil.test","Click")';

async function organizerIdOf(cookie: string): Promise<string> {
  void cookie;
  return (await app.services.db.selectFrom("organizers").select("id").orderBy("id", "desc").executeTakeFirstOrThrow()).id;
}

setupAll(async () => {
  app = await startTestApp();
  const db = app.services.db;
  alice = await loginAs(app, "alice@organizers.test");
  aliceId = await organizerIdOf(alice);
  mallory = await loginAs(app, "mallory@organizers.test");
  shown = await createOpenLetter(db, { title: "Hand it over", addressee: "The Board of Acme" });
  hidden = await createOpenLetter(db, { title: "Names later", revealThreshold: 1000 });
  for (const l of [shown, hidden]) await db.insertInto("letter_organizers").values({ letter_id: l.id, organizer_id: aliceId }).execute();
  await insertSignatures(db, shown.id, [
    { name: "Ada Lovelace", jobTitle: "Engineer", domain: "acme.com", confirmedAt: new Date("2026-11-20T10:00:00Z") },
    { name: "Zoë Émile", jobTitle: null, domain: "acme.com", confirmedAt: new Date("2026-11-21T10:00:00Z") },
    { name: HOSTILE_NAME, jobTitle: "+SUM(A1:A9)", domain: "acme.com", confirmedAt: new Date("2026-11-21T11:00:00Z") },
    ...Array.from({ length: 6 }, () => ({ visibility: "anonymous" as const, domain: "acme.com", confirmedAt: new Date("2026-11-22T09:00:00Z") })),
    { visibility: "anonymous" as const, domain: "tiny.example", confirmedAt: new Date("2026-11-22T09:00:00Z") },
  ]);
  await insertSignatures(db, hidden.id, [{ name: "Secret Sam", domain: "acme.com" }]);
  const { foldCountEvents } = await import("../../app/models/counts.server");
  await foldCountEvents(db);
  const news = { appUrl: app.config.appUrl };
  await postUpdate(db, shown.id, "We met **HR** today.", news);
  await recordDelivery(db, shown.id, "the board", new Date("2026-11-23T00:00:00Z"), news);
  await recordResponse(db, shown.id, "We will consider it.\n\nThe Board", new Date("2026-11-24T00:00:00Z"), news);
  versionHash = (await db.selectFrom("letters").select("version_hash").where("id", "=", shown.id).executeTakeFirstOrThrow()).version_hash!;
});
afterAll(() => app?.close());

async function pdfText(bytes: ArrayBuffer): Promise<string> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const standardFontDataUrl = `${path.resolve("node_modules/pdfjs-dist/standard_fonts")}/`;
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, isEvalSupported: false }).promise;
  let text = "";
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join("") + "\n";
  }
  return text;
}

/** RFC 4180 enough for our own output: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter(Boolean)
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!)));
}

describe(`the delivery packet (${dbLabel})`, () => {
  it("prints the letter, its fingerprint, the counts by day and domain, the named signers and the story", async () => {
    const response = await app.get(`/dashboard/letters/${shown.id}/packet`, as(alice));
    expect(response.status).toBe(200);
    const text = textOf(await response.text());
    for (const expected of ["Hand it over", "The Board of Acme", versionHash, "10 verified signatures", "3 named", "7 anonymous", "Ada Lovelace, Engineer", "Zoë Émile", "2026-11-21", "We met HR today.", "Delivered to the board on 2026-11-23", "We will consider it."]) {
      expect(text).toContain(expected);
    }
    // The small domain group is merged, as on the public page.
    expect(text).not.toContain("tiny.example");
  });

  it("is a PDF with the same content, parsed back to text", async () => {
    const response = await app.get(`/dashboard/letters/${shown.id}/packet.pdf`, as(alice));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain(`${shown.slug}-delivery-packet.pdf`);
    const text = (await pdfText(await response.arrayBuffer())).replace(/\s+/g, " ");
    for (const expected of ["Hand it over", "To: The Board of Acme", versionHash, "10 verified signatures", "3 named, 7 anonymous", "Ada Lovelace, Engineer (acme.com, 2026-11-20)", "Zoë Émile", "2026-11-21 +2", "We met HR today.", "Delivered to the board on 2026-11-23.", "The Board"]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("tiny.example");
    // Latin script only (accents included): nothing to warn about.
    expect(text).not.toContain("no font for");
  });

  it("prints Cyrillic, Greek and Vietnamese as typed, and says so when a script has no font in the PDF", async () => {
    const db = app.services.db;
    // Long enough to wrap several times: lines break at spaces only, never inside a word where the
    // font changes (the ệ of "Việt" is in another subset than the V) nor before a comma after Cyrillic.
    const vietnamese = "Chúng tôi, những người lao động Việt Nam của công ty, đề nghị ban lãnh đạo chấm dứt hợp đồng và công bố các điều khoản một cách minh bạch cho toàn thể nhân viên trước cuối năm nay.";
    const russian = "Мы, сотрудники компании, просим руководство прекратить контракт, опубликовать условия, ответить письменно, назначить встречу, и сделать это до конца года.";
    const letter = await createOpenLetter(db, { title: "Открытое письмо руководству", addressee: "Διοικητικό συμβούλιο", body: `${vietnamese}\n\n${russian}` });
    await db.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: aliceId }).execute();
    await insertSignatures(db, letter.id, [
      { name: "Ольга Петренко", jobTitle: "Інженерка", domain: "acme.com", confirmedAt: new Date("2026-11-20T10:00:00Z") },
      { name: "Νίκος Παπαδόπουλος", jobTitle: null, domain: "acme.com", confirmedAt: new Date("2026-11-20T11:00:00Z") },
      { name: "Nguyễn Thị Minh Khai", jobTitle: "Kỹ sư", domain: "acme.com", confirmedAt: new Date("2026-11-20T12:00:00Z") },
      { name: "山田太郎", jobTitle: null, domain: "acme.com", confirmedAt: new Date("2026-11-20T13:00:00Z") },
    ]);
    const response = await app.get(`/dashboard/letters/${letter.id}/packet.pdf`, as(alice));
    expect(response.status).toBe(200);
    const text = (await pdfText(await response.arrayBuffer())).replace(/\s+/g, " ");
    for (const expected of [vietnamese, russian, "Открытое письмо руководству", "To: Διοικητικό συμβούλιο", "Ольга Петренко, Інженерка (acme.com, 2026-11-20)", "Νίκος Παπαδόπουλος (acme.com", "Nguyễn Thị Minh Khai, Kỹ sư"]) {
      expect(text).toContain(expected);
    }
    // Inter has no Japanese: four boxes, and the packet says where the names are as written.
    expect(text).toContain("4 characters above are in a script this PDF has no font for");
    expect(text).toContain("The packet page and the CSV export show every name and word as written.");
  });

  it("exports named signers as CSV that a spreadsheet cannot run", async () => {
    const response = await app.get(`/dashboard/letters/${shown.id}/signers.csv`, as(alice));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await response.arrayBuffer());
    // A UTF-8 byte-order mark: spreadsheets then read "Zoë" as it is.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const raw = bytes.toString("utf8");
    const rows = parseCsv(raw);
    expect(rows[0]).toEqual(["name", "job_title", "domain", "confirmed"]);
    expect(rows.slice(1)).toEqual([
      ["Ada Lovelace", "Engineer", "acme.com", "2026-11-20"],
      ["Zoë Émile", "", "acme.com", "2026-11-21"],
      [`'${HOSTILE_NAME}`, "'+SUM(A1:A9)", "acme.com", "2026-11-21"],
    ]);
    // No cell of the file starts with a formula character.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("names nobody while the reveal threshold hides names", async () => {
    const csv = parseCsv(await (await app.get(`/dashboard/letters/${hidden.id}/signers.csv`, as(alice))).text());
    expect(csv).toEqual([["name", "job_title", "domain", "confirmed"]]);
    const pdf = await pdfText(await (await app.get(`/dashboard/letters/${hidden.id}/packet.pdf`, as(alice))).arrayBuffer());
    expect(pdf).not.toContain("Secret Sam");
    expect(pdf.replace(/\s+/g, " ")).toContain("Names are not shown yet");
    expect(textOf(await (await app.get(`/dashboard/letters/${hidden.id}/packet`, as(alice))).text())).not.toContain("Secret Sam");
  });

  it("is for the letter's organizers only, and every export is in the audit log", async () => {
    for (const path of ["packet", "packet.pdf", "signers.csv"]) {
      expect((await app.get(`/dashboard/letters/${shown.id}/${path}`, as(mallory))).status).toBe(404);
      expect((await app.get(`/dashboard/letters/${shown.id}/${path}`)).headers.get("location")).toMatch(/^\/login/);
    }
    const actions = (await app.services.db.selectFrom("audit_log").select("action").where("letter_id", "=", shown.id).execute()).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith("export-")).sort()).toEqual(["export-csv", "export-packet", "export-pdf"]);
    const dashboard = textOf(await (await app.get(`/dashboard/letters/${shown.id}/moderation`, as(alice))).text());
    expect(dashboard).toContain("You downloaded the named signers (CSV): 3 names");
  });
});
