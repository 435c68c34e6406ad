import { Feed } from "feed";
import type { LetterSummary, PublicLetter } from "./models/letter.server";
import { renderMarkdown } from "./utils/markdown.server";
import { escapeHtml } from "../emails/layout";

/** Atom (RFC 4287): feed readers and newsrooms follow a letter, or the site's new letters. */
export const ATOM_TYPE = "application/atom+xml; charset=utf-8";

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");

/**
 * A letter's story: published, each update, delivery, the employer's response, closing. Entry ids are
 * tag-like URLs that never change, so a reader shows each event once.
 */
export function letterFeed(letter: PublicLetter, appUrl: string, now = new Date()): string {
  const url = `${appUrl}/letters/${letter.slug}`;
  const entries: { id: string; title: string; date: Date; content: string }[] = [];
  if (letter.publishedAt) {
    const demands = letter.demands.map((d) => `<li>${escapeHtml(d.text)}</li>`).join("");
    entries.push({
      id: `${url}#published`,
      title: `Published: ${letter.title}`,
      date: new Date(letter.publishedAt),
      content: `<p>To ${escapeHtml(letter.addressee)}</p>${renderMarkdown(letter.body)}${demands ? `<h2>Demands</h2><ol>${demands}</ol>` : ""}`,
    });
  }
  for (const update of letter.updates) {
    entries.push({ id: `${url}#update-${update.id}`, title: "Update from the organizers", date: new Date(update.createdAt), content: renderMarkdown(update.body) });
  }
  if (letter.deliveredAt) {
    entries.push({ id: `${url}#delivered`, title: `Delivered to ${letter.deliveredTo ?? "the addressee"}`, date: new Date(letter.deliveredAt), content: `<p>The letter was handed to ${escapeHtml(letter.deliveredTo ?? "the addressee")}.</p>` });
  }
  if (letter.responseText && letter.responseAt) {
    entries.push({ id: `${url}#response`, title: "The employer responded", date: new Date(letter.responseAt), content: paragraphs(letter.responseText) });
  }
  const closedAt = letter.closedAt ?? (letter.closesAt && new Date(letter.closesAt) <= now ? letter.closesAt : null);
  if (closedAt) {
    entries.push({ id: `${url}#closed`, title: "The letter is closed", date: new Date(closedAt), content: "<p>The letter no longer takes signatures; its page keeps the final count.</p>" });
  }
  entries.sort((a, b) => b.date.getTime() - a.date.getTime());
  const feed = new Feed({
    id: url,
    title: letter.title,
    description: `An open letter to ${letter.addressee} (${letter.organization}) on Undersigned`,
    link: url,
    language: "en",
    updated: entries[0]?.date ?? new Date(letter.updatedAt),
    generator: "Undersigned",
    feedLinks: { atom: `${url}/feed.xml` },
    author: { name: `Organizers of “${letter.title}”`, link: url },
    copyright: "The organizers of the letter",
  });
  for (const e of entries) feed.addItem({ id: e.id, title: e.title, link: e.id, date: e.date, content: e.content, published: e.date });
  return feed.atom1();
}

/** Newly published, listed letters. */
export function newLettersFeed(letters: LetterSummary[], appUrl: string): string {
  const dated = letters.filter((l): l is LetterSummary & { publishedAt: string } => l.publishedAt !== null);
  dated.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
  const feed = new Feed({
    id: `${appUrl}/`,
    title: "New open letters on Undersigned",
    description: "Open letters employees address to their employer, with verified signatures.",
    link: `${appUrl}/`,
    language: "en",
    updated: dated[0] ? new Date(dated[0].publishedAt) : new Date(0),
    generator: "Undersigned",
    feedLinks: { atom: `${appUrl}/feed.xml` },
    author: { name: "Undersigned", link: `${appUrl}/` },
    copyright: "The organizers of each letter",
  });
  for (const l of dated.slice(0, 50)) {
    const url = `${appUrl}/letters/${l.slug}`;
    feed.addItem({
      id: url,
      title: `${l.title} (${l.organization})`,
      link: url,
      date: new Date(l.publishedAt),
      published: new Date(l.publishedAt),
      description: l.excerpt,
    });
  }
  return feed.atom1();
}
