import type { TtlCache } from "../utils/cache.server";

/**
 * Every key of the read cache is built here and nowhere else, so that invalidating a letter can
 * name every cached read of it. Keys end in ":" before a prefix match, so letter 1 is not 12.
 */
const pagePrefix = (letterId: string) => `page:${letterId}:`;
const signersPrefix = (letterId: string) => `signers:${letterId}:`;
const namedPrefix = (letterId: string) => `named:${letterId}:`;
const DASHBOARD = "dash:";
const dashboardPrefix = (letterId: string) => `${DASHBOARD}${letterId}:`;
/** A session's access, under a letter's dashboard prefix: `dash:<letter>:session:<token hash>`. */
const SESSION = "session:";

export const cacheKeys = {
  /** The home page's first page of letters (open first). */
  home: "home",
  /** The newest letters, for /feed.xml. */
  newLetters: "new-letters",
  /** The letters sitemap.xml lists. */
  sitemap: "sitemap",
  letter: (slug: string) => `letter:${slug}`,
  counts: (letterId: string) => `counts:${letterId}`,
  growth: (letterId: string) => `growth:${letterId}`,
  page: (letterId: string, range: string) => `${pagePrefix(letterId)}${range}`,
  signers: (letterId: string, range: string) => `${signersPrefix(letterId)}${range}`,
  /** The organizer dashboard's heavier reads: abuse signals, and named entries (by search). */
  abuse: (letterId: string) => `abuse:${letterId}`,
  named: (letterId: string, search: string) => `${namedPrefix(letterId)}${search}`,
  /** The dashboard's reads of what organizers change (text, team, audit): cleared by every organizer action. */
  dashboard: (letterId: string, part: "view" | "team" | "audit" | "reach" | `prefs:${string}` | `name:${string}`) => `${dashboardPrefix(letterId)}${part}`,
  dashboardPrefix: (letterId: string) => dashboardPrefix(letterId),
  /**
   * A session's access to a letter (the session, its organizer and the letter row), for reads: under
   * the letter's dashboard prefix, so that every organizer action on the letter (a removal among
   * them) clears it.
   */
  session: (letterId: string, tokenHash: string) => `${dashboardPrefix(letterId)}${SESSION}${tokenHash}`,
  /** A rendered public page (the page cache), by path. */
  html: (pathname: string) => `html:${pathname}`,
};

/**
 * After a change its author should see at once (an organizer's edit, a withdrawal, an invalidation):
 * every cached read of this letter goes.
 */
export function invalidateLetter({ cache, pageCache }: { cache: TtlCache; pageCache: TtlCache }, letter: { id: string; slug: string }): void {
  pageCache.delete(cacheKeys.html("/"));
  pageCache.invalidate(cacheKeys.html(`/letters/${letter.slug}?`));
  pageCache.delete(cacheKeys.html(`/letters/${letter.slug}`));
  for (const key of [cacheKeys.counts(letter.id), cacheKeys.growth(letter.id), cacheKeys.letter(letter.slug), cacheKeys.home, cacheKeys.newLetters, cacheKeys.sitemap, cacheKeys.abuse(letter.id)]) cache.delete(key);
  for (const prefix of [pagePrefix(letter.id), signersPrefix(letter.id), namedPrefix(letter.id), dashboardPrefix(letter.id)]) cache.invalidate(prefix);
}

/** A session ended (logout) or every session of an organizer (suspension): no read may reuse it. */
export function forgetSessions(cache: TtlCache, tokenHash?: string): void {
  const part = `:${SESSION}${tokenHash ?? ""}`;
  cache.invalidateWhere((key) => key.startsWith(DASHBOARD) && (tokenHash ? key.endsWith(part) : key.includes(part)));
}
