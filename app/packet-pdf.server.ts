import PDFDocument from "pdfkit";
import type { Packet } from "./models/packet.server";
import { MIN_DOMAIN_GROUP } from "./models/counts.server";
import { markdownBlocks } from "./utils/markdown.server";

const n = (value: number) => value.toLocaleString("en-US");
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "");

/**
 * The delivery packet as a print-ready A4 PDF (pdfkit, its built-in Helvetica: Latin script; names
 * in other scripts are better handed over as the CSV). Same content as the packet page.
 */
export function packetPdf(packet: Packet, appUrl: string): Promise<Buffer> {
  const { letter, counts } = packet;
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: letter.title, Author: "Undersigned", Subject: `An open letter to ${letter.addressee}` } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const heading = (text: string) => doc.moveDown(0.8).font("Helvetica-Bold").fontSize(13).text(text).moveDown(0.3).font("Helvetica").fontSize(10.5);
  doc.font("Helvetica-Bold").fontSize(20).text(letter.title);
  doc.moveDown(0.3).font("Helvetica").fontSize(11).text(`To: ${letter.addressee}`).text(`An open letter from employees of ${letter.organization}`);
  doc.moveDown(0.3).fontSize(9).fillColor("#444")
    .text(`Published ${day(letter.publishedAt)} at ${appUrl}/letters/${letter.slug}.`)
    .text(`Everyone signed this exact text. Its fingerprint (SHA-256 of the published version): ${letter.versionHash ?? "-"}`)
    .fillColor("#000");

  heading("The letter");
  for (const block of markdownBlocks(letter.body)) doc.text(block, { paragraphGap: 6 });
  if (letter.demands.length) {
    heading("Demands");
    letter.demands.forEach((d, i) => doc.text(`${i + 1}. ${d.text}`, { paragraphGap: 4 }));
  }

  heading("Verified signatures");
  doc.text(`${n(counts.verified)} verified signatures, each confirmed from a work email address: ${n(counts.public)} named, ${n(counts.anonymous)} anonymous.`);
  if (packet.byDay.length) {
    doc.moveDown(0.4).font("Helvetica-Bold").text("By day of confirmation (UTC)").font("Helvetica");
    let total = 0;
    for (const row of packet.byDay) doc.text(`${row.day}   +${n(row.n)}   (${n((total += row.n))} in all)`);
  }
  const domains = Object.entries(counts.byDomain).sort((a, b) => b[1] - a[1]);
  if (domains.length) {
    doc.moveDown(0.4).font("Helvetica-Bold").text("By email domain").font("Helvetica");
    for (const [domain, count] of domains) doc.text(`${domain}   ${n(count)}`);
    doc.fontSize(9).fillColor("#444").text(`Groups under ${MIN_DOMAIN_GROUP} signatures, and groups that would reveal one by subtraction, are counted under "other".`).fillColor("#000").fontSize(10.5);
  }

  heading("Named signers");
  if (!packet.namesShown) {
    doc.text("Names are not shown yet: the letter's reveal threshold has not been reached. Everyone who signed is counted above.");
  } else if (packet.named.length === 0) {
    doc.text("Nobody has chosen to be named yet.");
  } else {
    for (const s of packet.named) doc.text(`${s.name}${s.jobTitle ? `, ${s.jobTitle}` : ""} (${s.domain}, ${s.confirmed})`);
    if (counts.public > packet.named.length) doc.moveDown(0.3).fontSize(9).text(`The first ${n(packet.named.length)} of ${n(counts.public)} named signers; the CSV export holds every one.`).fontSize(10.5);
  }

  if (letter.updates.length) {
    heading("Updates");
    for (const u of [...letter.updates].reverse()) {
      doc.font("Helvetica-Bold").text(day(u.createdAt)).font("Helvetica");
      for (const block of markdownBlocks(u.body)) doc.text(block, { paragraphGap: 4 });
    }
  }
  if (letter.deliveredAt || letter.responseText) {
    heading("Delivery and response");
    if (letter.deliveredAt) doc.text(`Delivered to ${letter.deliveredTo ?? "the addressee"} on ${day(letter.deliveredAt)}.`);
    if (letter.responseText) {
      doc.moveDown(0.3).text(`The response${letter.responseAt ? ` of ${day(letter.responseAt)}` : ""}:`);
      for (const p of letter.responseText.split(/\n{2,}/)) doc.text(p.trim(), { paragraphGap: 4 });
    }
  }
  doc.end();
  return done;
}
