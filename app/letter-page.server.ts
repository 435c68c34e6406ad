import { json, type AppLoadContext } from "@remix-run/node";
import type { LetterViewData } from "./components/letter-view";
import { notFound } from "./utils/http.server";
import { renderMarkdown } from "./utils/markdown.server";
import { listNamedSigners, type NamedSigner } from "./models/counts.server";
import { cachedCounts, cachedGrowth, type PublicLetter } from "./models/letter.server";
import { cacheKeys } from "./models/read-cache.server";

export const SIGNERS_PER_PAGE = 50;

/** Whether named signers may be shown: only once the reveal threshold (if any) is reached. */
export function namesRevealed(threshold: number | null, publicCount: number): boolean {
  return !threshold || publicCount >= threshold;
}

/** One page of named signers, honouring the reveal threshold: the page and the JSON API both use it. */
export async function namedSignerPage(
  { db, cache }: Pick<AppLoadContext, "db" | "cache">,
  letter: Pick<PublicLetter, "id" | "revealThreshold">,
  publicCount: number,
  page: number,
): Promise<{ hidden: boolean; signers: NamedSigner[]; hasNextPage: boolean }> {
  if (!namesRevealed(letter.revealThreshold, publicCount)) return { hidden: true, signers: [], hasNextPage: false };
  // One extra row says whether there is a next page.
  const rows = await cache.get(cacheKeys.signers(letter.id, page), () =>
    listNamedSigners(db, letter.id, (page - 1) * SIGNERS_PER_PAGE, SIGNERS_PER_PAGE + 1),
  );
  return { hidden: false, signers: rows.slice(0, SIGNERS_PER_PAGE), hasNextPage: rows.length > SIGNERS_PER_PAGE };
}

/** Pages past the last named signer do not exist. */
export function signerPageExists(page: number, namedSigners: number): boolean {
  return page <= Math.max(1, Math.ceil(namedSigners / SIGNERS_PER_PAGE));
}

/** Everything the public letter page shows, from cached counts and one page of named signers. */
export async function loadLetterPage(
  { db, cache }: Pick<AppLoadContext, "db" | "cache">,
  letter: Omit<PublicLetter, "status"> & { status: string },
  page: number,
): Promise<LetterViewData> {
  const [counts, growth] = await Promise.all([
    cachedCounts(db, cache, letter.id),
    cachedGrowth(db, cache, letter.id, letter.publishedAt),
  ]);
  const named = await namedSignerPage({ db, cache }, letter, counts.public, page);
  return {
    slug: letter.slug,
    status: letter.status,
    title: letter.title,
    addressee: letter.addressee,
    organization: letter.organization,
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
    growth,
    signers: named.signers,
    namesHidden: named.hidden ? { threshold: letter.revealThreshold! } : null,
    page,
    hasNextPage: named.hasNextPage,
  };
}

/** `?page=` as a positive integer, anything else is page 1. */
export function pageParam(request: Request): number {
  const raw = new URL(request.url).searchParams.get("page");
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, n);
}

/**
 * Pages past the last signer do not exist: a crawler walking page numbers must not fill the cache
 * with empty pages (and push the hot entries out).
 */
export function requireSignerPage(page: number, namedSigners: number): void {
  if (!signerPageExists(page, namedSigners)) throw notFound("There are not that many signers.");
}

/** The tombstone of a letter the operators took down: everything public about it answers this. */
export function takenDownMessage(takenDown: { at: string; reason: string }): string {
  const day = new Date(takenDown.at).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  return `This letter was taken down by the operators of this site on ${day}. Reason: ${takenDown.reason}`;
}

/** For pages: a taken-down letter answers 410 with its tombstone. */
export function requireNotTakenDown(letter: { takenDown: { at: string; reason: string } | null }): void {
  if (letter.takenDown) {
    throw json({ title: "This letter was taken down", detail: takenDownMessage(letter.takenDown) }, { status: 410, headers: { "Cache-Control": "no-store" } });
  }
}
