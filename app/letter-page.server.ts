import { json, type AppLoadContext } from "@remix-run/node";
import { formatDay } from "./utils/format";
import type { LetterViewData } from "./components/letter-view";
import { notFound } from "./utils/http.server";
import { renderMarkdown } from "./utils/markdown.server";
import { encodeCursor, listNamedSigners, parseCursor, type NamedSigner, type SignerRange } from "./models/counts.server";
import { cachedCounts, cachedGrowth, cachedPublicLetter, type PublicLetter } from "./models/letter.server";
import { cacheKeys } from "./models/read-cache.server";

export const SIGNERS_PER_PAGE = 50;

/** Whether named signers may be shown: only once the reveal threshold (if any) is reached. */
export function namesRevealed(threshold: number | null, publicCount: number): boolean {
  return !threshold || publicCount >= threshold;
}

export interface SignerPage {
  hidden: boolean;
  signers: NamedSigner[];
  /** Cursors of the neighbouring pages (`?before=` / `?after=`), null at either end. */
  previous: string | null;
  next: string | null;
}

/**
 * One page of named signers, honouring the reveal threshold: the page and the JSON API both use it.
 * Read by keyset from a cursor; null when the cursor points past either end (no such page).
 */
export async function namedSignerPage(
  { db, cache }: Pick<AppLoadContext, "db" | "cache">,
  letter: Pick<PublicLetter, "id" | "revealThreshold">,
  publicCount: number,
  range: SignerRange,
): Promise<SignerPage | null> {
  if (!namesRevealed(letter.revealThreshold, publicCount)) return range ? null : { hidden: true, signers: [], previous: null, next: null };
  const key = rangeKey(range);
  // One extra row says whether there is a further page in the direction read.
  const rows = await cache.get(cacheKeys.signers(letter.id, key), () => listNamedSigners(db, letter.id, range, SIGNERS_PER_PAGE + 1));
  if (range && rows.length === 0) return null;
  const backwards = range !== null && "before" in range;
  const more = rows.length > SIGNERS_PER_PAGE;
  const shown = backwards ? rows.slice(more ? 1 : 0) : rows.slice(0, SIGNERS_PER_PAGE);
  return {
    hidden: false,
    signers: shown.map(({ name, jobTitle }) => ({ name, jobTitle })),
    previous: (backwards ? more : range !== null) ? shown[0]!.cursor : null,
    next: (backwards ? true : more) ? shown.at(-1)!.cursor : null,
  };
}

/** Everything the public letter page shows, from cached counts and one page of named signers. */
export async function loadLetterPage(
  { db, cache }: Pick<AppLoadContext, "db" | "cache">,
  letter: Omit<PublicLetter, "status"> & { status: string },
  range: SignerRange,
): Promise<LetterViewData | null> {
  const [counts, growth] = await Promise.all([
    cachedCounts(db, cache, letter.id),
    cachedGrowth(db, cache, letter.id, letter.publishedAt),
  ]);
  const named = await namedSignerPage({ db, cache }, letter, counts.public, range);
  if (!named) return null;
  return {
    slug: letter.slug,
    status: letter.status,
    title: letter.title,
    addressee: letter.addressee,
    organization: letter.organization,
    organizerName: letter.organizerName,
    contactEmail: letter.contactEmail,
    bodyHtml: renderMarkdown(letter.body),
    goal: letter.goal,
    closesAt: letter.closesAt,
    deliveredAt: letter.deliveredAt,
    deliveredTo: letter.deliveredTo,
    responseText: letter.responseText,
    responseAt: letter.responseAt,
    demands: letter.demands,
    updates: letter.updates.map((u) => ({ html: renderMarkdown(u.body), createdAt: u.createdAt })),
    counts,
    publishedAt: letter.publishedAt,
    versionHash: letter.versionHash,
    growth,
    signers: named.signers,
    namesHidden: named.hidden ? { threshold: letter.revealThreshold! } : null,
    previousSigners: named.previous,
    nextSigners: named.next,
  };
}

/**
 * `?after=` / `?before=` as a signer range; a malformed cursor answers 404 like a page that does
 * not exist (a crawler inventing cursors must not fill the cache with empty pages).
 */
export function signerRange(request: Request): SignerRange {
  const params = new URL(request.url).searchParams;
  const after = parseCursor(params.get("after"));
  const before = parseCursor(params.get("before"));
  if (after === "invalid" || before === "invalid" || (after && before)) throw notFound("There is no such page of signers.");
  return after ? { after } : before ? { before } : null;
}

/** The cache key part of a range. */
export const rangeKey = (range: SignerRange): string =>
  !range ? "first" : "after" in range ? `a${encodeCursor(range.after)}` : `b${encodeCursor(range.before)}`;

/** The tombstone of a letter the operators took down: everything public about it answers this. */
export function takenDownMessage(takenDown: { at: string; reason: string }): string {
  const day = formatDay(takenDown.at);
  return `This letter was taken down by the operators of this site on ${day}. Reason: ${takenDown.reason}`;
}

/** For pages: a taken-down letter answers 410 with its tombstone. */
export function requireNotTakenDown(letter: { takenDown: { at: string; reason: string } | null }): void {
  if (letter.takenDown) {
    throw json({ title: "This letter was taken down", detail: takenDownMessage(letter.takenDown) }, { status: 410, headers: { "Cache-Control": "no-store" } });
  }
}

/**
 * For the letter's machine-read resources (feed, embed, badge): the letter, or the plain-text
 * answer to give instead (404 for no such letter, 410 for one taken down).
 */
export async function publicLetterOrGone({ db, cache }: Pick<AppLoadContext, "db" | "cache">, slug: string): Promise<PublicLetter | Response> {
  const letter = await cachedPublicLetter(db, cache, slug);
  if (letter && !letter.takenDown) return letter;
  return new Response("No such letter.", { status: letter ? 410 : 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
