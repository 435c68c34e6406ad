import PDFDocument from "pdfkit";
import type { Packet } from "./models/packet.server";
import { MIN_DOMAIN_GROUP } from "./models/counts.server";
import { INTER_SUBSETS, interFont, interSubsetFor, type InterWeight } from "./fonts.server";
import { markdownBlocks } from "./utils/markdown.server";

const n = (value: number) => value.toLocaleString("en-US");
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "");

type TextOptions = PDFKit.Mixins.TextOptions;

/**
 * Text cut into runs of one Inter subset each (a PDF font draws only the glyphs it embeds, and each
 * @fontsource file holds one script). `missing` counts the characters no subset covers.
 */
function fontRuns(text: string, weight: InterWeight, missing: { count: number }): { font: string; text: string }[] {
  const runs: { font: string; text: string }[] = [];
  for (const char of text) {
    let subset = interSubsetFor(char.codePointAt(0)!);
    if (subset === null) {
      missing.count += 1;
      subset = "latin";
    }
    const font = `${subset}-${weight}`;
    const last = runs[runs.length - 1];
    if (last?.font === font) last.text += char;
    else runs.push({ font, text: char });
  }
  return runs;
}

/**
 * The delivery packet as a print-ready A4 PDF (pdfkit with Inter embedded: Latin, Cyrillic, Greek
 * and Vietnamese print as typed; a script Inter lacks (CJK, Arabic, Hebrew …) prints as boxes, and
 * the packet says so and points to the page and the CSV). Same content as the packet page.
 */
export function packetPdf(packet: Packet, appUrl: string): Promise<Buffer> {
  const { letter, counts } = packet;
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: letter.title, Author: "Undersigned", Subject: `An open letter to ${letter.addressee}` } });
  for (const subset of INTER_SUBSETS) for (const weight of [400, 700] as const) doc.registerFont(`${subset}-${weight}`, interFont(subset, weight));
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const missing = { count: 0 };
  const lineWidth = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const widthOf = (text: string, weight: InterWeight) =>
    fontRuns(text, weight, { count: 0 }).reduce((sum, run) => sum + doc.font(run.font).widthOfString(run.text), 0);
  /**
   * One paragraph. Its lines are broken here, at spaces only: left to pdfkit, a line could break
   * wherever the font changes, inside a word ("Vi|ệt": the ệ is in another subset) or before a
   * comma after a Cyrillic word. Each line is then drawn as its runs, continued on one another. A
   * word wider than a line has a line of its own, and pdfkit cuts it.
   */
  const write = (text: string, options: TextOptions = {}, weight: InterWeight = 400) => {
    const lines: string[] = [];
    for (const hard of text.normalize("NFC").split("\n")) {
      let line = "";
      for (const word of hard.split(/(?<= )/)) {
        if (line.trim() && widthOf((line + word).trimEnd(), weight) > lineWidth - 1) {
          lines.push(line.trimEnd());
          line = word;
        } else line += word;
      }
      lines.push(line.trimEnd());
    }
    lines.forEach((line, i) => {
      const runs = fontRuns(line, weight, missing);
      if (runs.length === 0) runs.push({ font: `latin-${weight}`, text: "" });
      const last = i === lines.length - 1;
      runs.forEach((run, j) => doc.font(run.font).text(run.text, { ...(last ? options : {}), continued: j < runs.length - 1 }));
    });
  };
  const bold = (text: string, options: TextOptions = {}) => write(text, options, 700);
  const heading = (text: string) => {
    doc.moveDown(0.8).fontSize(13);
    bold(text);
    doc.moveDown(0.3).fontSize(10.5);
  };

  doc.fontSize(20);
  bold(letter.title);
  doc.moveDown(0.3).fontSize(11);
  write(`To: ${letter.addressee}`);
  write(`An open letter from employees of ${letter.organization}`);
  doc.moveDown(0.3).fontSize(9).fillColor("#444");
  write(`Published ${day(letter.publishedAt)} at ${appUrl}/letters/${letter.slug}.`);
  write(`Everyone signed this exact text. Its fingerprint (SHA-256 of the published version): ${letter.versionHash ?? "-"}`);
  doc.fillColor("#000");

  heading("The letter");
  for (const block of markdownBlocks(letter.body)) write(block, { paragraphGap: 6 });
  if (letter.demands.length) {
    heading("Demands");
    letter.demands.forEach((d, i) => write(`${i + 1}. ${d.text}`, { paragraphGap: 4 }));
  }

  heading("Verified signatures");
  write(`${n(counts.verified)} verified signatures, each confirmed from a work email address: ${n(counts.public)} named, ${n(counts.anonymous)} anonymous.`);
  if (packet.byDay.length) {
    doc.moveDown(0.4);
    bold("By day of confirmation (UTC)");
    let total = 0;
    for (const row of packet.byDay) write(`${row.day}   +${n(row.n)}   (${n((total += row.n))} in all)`);
  }
  const domains = Object.entries(counts.byDomain).sort((a, b) => b[1] - a[1]);
  if (domains.length) {
    doc.moveDown(0.4);
    bold("By email domain");
    for (const [domain, count] of domains) write(`${domain}   ${n(count)}`);
    doc.fontSize(9).fillColor("#444");
    write(`Groups under ${MIN_DOMAIN_GROUP} signatures, and groups that would reveal one by subtraction, are counted under "other".`);
    doc.fillColor("#000").fontSize(10.5);
  }

  heading("Named signers");
  if (!packet.namesShown) {
    write("Names are not shown yet: the letter's reveal threshold has not been reached. Everyone who signed is counted above.");
  } else if (packet.named.length === 0) {
    write("Nobody has chosen to be named yet.");
  } else {
    for (const s of packet.named) write(`${s.name}${s.jobTitle ? `, ${s.jobTitle}` : ""} (${s.domain}, ${s.confirmed})`);
    if (counts.public > packet.named.length) {
      doc.moveDown(0.3).fontSize(9);
      write(`The first ${n(packet.named.length)} of ${n(counts.public)} named signers; the CSV export holds every one.`);
      doc.fontSize(10.5);
    }
  }

  if (letter.updates.length) {
    heading("Updates");
    for (const u of [...letter.updates].reverse()) {
      bold(day(u.createdAt));
      for (const block of markdownBlocks(u.body)) write(block, { paragraphGap: 4 });
    }
  }
  if (letter.deliveredAt || letter.responseText) {
    heading("Delivery and response");
    if (letter.deliveredAt) write(`Delivered to ${letter.deliveredTo ?? "the addressee"} on ${day(letter.deliveredAt)}.`);
    if (letter.responseText) {
      doc.moveDown(0.3);
      write(`The response${letter.responseAt ? ` of ${day(letter.responseAt)}` : ""}:`);
      for (const p of letter.responseText.split(/\n{2,}/)) write(p.trim(), { paragraphGap: 4 });
    }
  }
  if (missing.count > 0) {
    doc.moveDown(0.8).fontSize(9).fillColor("#444");
    write(
      `${n(missing.count)} ${missing.count === 1 ? "character" : "characters"} above ${missing.count === 1 ? "is" : "are"} in a script this PDF has no font for and ${missing.count === 1 ? "prints" : "print"} as a box. The packet page and the CSV export show every name and word as written.`,
    );
    doc.fillColor("#000");
  }
  doc.end();
  return done;
}
