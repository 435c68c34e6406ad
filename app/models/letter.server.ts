import type { DB } from "../../db/connection";
import type { DemandKind, Letter, LetterStatus } from "../../db/schema";
import type { TtlCache } from "../utils/cache.server";
import { cacheKeys } from "./read-cache.server";
import { sql } from "kysely";
import { countSignatures, signatureGrowth, verifiedCounts, type GrowthPoint, type LetterCounts, type SignerCursor } from "./counts.server";

export interface PublicDemand {
  kind: DemandKind;
  text: string;
}

export interface PublicUpdate {
  id: string;
  body: string;
  createdAt: string;
}

export interface PublicLetter {
  id: string;
  slug: string;
  status: Exclude<LetterStatus, "draft">;
  title: string;
  addressee: string;
  organization: string;
  body: string;
  allowedDomains: string[];
  goal: number | null;
  closesAt: string | null;
  revealThreshold: number | null;
  askJobTitle: boolean;
  versionHash: string | null;
  publishedAt: string | null;
  deliveredAt: string | null;
  deliveredTo: string | null;
  responseText: string | null;
  responseAt: string | null;
  /** When an organizer closed it (a letter closed by its date has only closesAt). */
  closedAt: string | null;
  updatedAt: string;
  demands: PublicDemand[];
  updates: PublicUpdate[];
  /** Taken down by the site's operators: the public sees only this. */
  takenDown: { at: string; reason: string } | null;
}

/**
 * A letter past its closing date is closed, whether or not anyone pressed the button; so is a letter
 * an operator took down (its counts are frozen).
 */
export function effectiveStatus(letter: Pick<Letter, "status" | "closes_at"> & { taken_down_at?: Date | null }): LetterStatus {
  if (letter.status === "open" && letter.taken_down_at) return "closed";
  if (letter.status === "open" && letter.closes_at && letter.closes_at.getTime() <= Date.now()) return "closed";
  return letter.status;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function loadLetterView(db: DB, letter: Letter): Promise<Omit<PublicLetter, "status"> & { status: LetterStatus }> {
  const [demands, updates] = await Promise.all([
    db.selectFrom("demands").select(["kind", "text"]).where("letter_id", "=", letter.id).orderBy("position").orderBy("id").execute(),
    db
      .selectFrom("letter_updates")
      .select(["id", "body", "created_at"])
      .where("letter_id", "=", letter.id)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute(),
  ]);
  return {
    id: letter.id,
    slug: letter.slug,
    status: effectiveStatus(letter),
    title: letter.title,
    addressee: letter.addressee,
    organization: letter.organization,
    body: letter.body,
    allowedDomains: letter.allowed_domains,
    goal: letter.goal,
    closesAt: iso(letter.closes_at),
    revealThreshold: letter.reveal_threshold,
    askJobTitle: letter.ask_job_title,
    versionHash: letter.version_hash,
    publishedAt: iso(letter.published_at),
    deliveredAt: iso(letter.delivered_at),
    deliveredTo: letter.delivered_to,
    responseText: letter.response_text,
    responseAt: iso(letter.response_at),
    closedAt: iso(letter.closed_at),
    updatedAt: letter.updated_at.toISOString(),
    demands: demands.map((d) => ({ kind: d.kind, text: d.text })),
    updates: updates.map((u) => ({ id: u.id, body: u.body, createdAt: u.created_at.toISOString() })),
    takenDown: letter.taken_down_at ? { at: letter.taken_down_at.toISOString(), reason: letter.takedown_reason ?? "" } : null,
  };
}

/** A published letter by slug; drafts do not exist for the public. */
/** What slugify produces; anything else (a NUL, a 5 KB string) cannot name a letter. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$/;

export async function findPublicLetter(db: DB, slug: string): Promise<PublicLetter | null> {
  if (!SLUG.test(slug)) return null;
  const letter = await db.selectFrom("letters").selectAll().where("slug", "=", slug).where("status", "<>", "draft").executeTakeFirst();
  if (!letter) return null;
  return (await loadLetterView(db, letter)) as PublicLetter;
}

export interface LetterSummary {
  slug: string;
  title: string;
  organization: string;
  status: LetterStatus;
  goal: number | null;
  verified: number;
  publishedAt: string | null;
  /** The opening of the letter as plain text. */
  excerpt: string;
}

/** Listed letters, open ones first, newest first within each group: sorted in SQL, before the limit. */
export async function listPublicLetters(db: DB): Promise<LetterSummary[]> {
  const letters = await db
    .selectFrom("letters")
    .selectAll()
    .where("listed", "=", true)
    .where("status", "<>", "draft")
    .where("taken_down_at", "is", null)
    .orderBy(sql`CASE WHEN status = 'open' AND (closes_at IS NULL OR closes_at > now()) THEN 0 ELSE 1 END`)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  // One count query for all of them, not one per letter.
  const verified = await verifiedCounts(db, letters.map((l) => l.id));
  return letters.map((l) => summaryOf(l, verified));
}

function summaryOf(l: Letter, verified: Map<string, number>): LetterSummary & { closesAt: string | null } {
  return {
    slug: l.slug,
    title: l.title,
    organization: l.organization,
    status: effectiveStatus(l),
    goal: l.goal,
    verified: verified.get(l.id) ?? 0,
    publishedAt: iso(l.published_at),
    closesAt: iso(l.closes_at),
    excerpt: excerptOf(l.body),
  };
}

/** Listed, published letters that are not taken down: what search engines are told about (sitemap.xml). */
export async function listIndexableLetters(db: DB, limit = 50_000): Promise<{ slug: string; updatedAt: Date }[]> {
  const rows = await db
    .selectFrom("letters")
    .select(["slug", "updated_at"])
    .where("listed", "=", true)
    .where("status", "<>", "draft")
    .where("taken_down_at", "is", null)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ slug: r.slug, updatedAt: r.updated_at }));
}

/** The first words of a letter as plain text (Markdown marks dropped), for a card. */
export function excerptOf(markdown: string, max = 180): string {
  const text = markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`>#~]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20)).trimEnd()}…`;
}

export const cachedPublicLetter = (db: DB, cache: TtlCache, slug: string) =>
  cache.get(cacheKeys.letter(slug), () => findPublicLetter(db, slug));

export const cachedCounts = (db: DB, cache: TtlCache, letterId: string): Promise<LetterCounts> =>
  cache.get(cacheKeys.counts(letterId), () => countSignatures(db, letterId));

export const cachedGrowth = (db: DB, cache: TtlCache, letterId: string, publishedAt: string | null): Promise<GrowthPoint[]> =>
  cache.get(cacheKeys.growth(letterId), () => signatureGrowth(db, letterId, publishedAt ? new Date(publishedAt) : null));

export interface LetterListing extends LetterSummary {
  closesAt: string | null;
}

export interface LetterListPage {
  letters: LetterListing[];
  /** Where the next page starts, or null on the last page. */
  next: SignerCursor | null;
}

/** `%`, `_` and `\` typed into a search are literal characters, not patterns. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Listed, published letters, newest first, read by keyset on (publication time to the millisecond,
 * id): any page costs what the first does, and a letter published meanwhile shifts nothing.
 */
export async function listLettersPage(db: DB, { q = "", after = null, limit = 50 }: { q?: string; after?: SignerCursor | null; limit?: number }): Promise<LetterListPage> {
  const published = sql<Date>`date_trunc('milliseconds', published_at)`;
  let query = db
    .selectFrom("letters")
    .selectAll()
    .where("listed", "=", true)
    .where("status", "<>", "draft")
    .where("taken_down_at", "is", null)
    .where("published_at", "is not", null);
  const term = q.trim();
  if (term) query = query.where((eb) => eb.or([eb("title", "ilike", likePattern(term)), eb("organization", "ilike", likePattern(term))]));
  if (after) query = query.where(sql<boolean>`(${published}, id) < (${new Date(after.at)}::timestamptz, ${after.id}::bigint)`);
  const rows = await query.orderBy(published, "desc").orderBy("id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const verified = await verifiedCounts(db, page.map((l) => l.id));
  const last = page.at(-1);
  return {
    letters: page.map((l) => summaryOf(l, verified)),
    next: rows.length > limit && last ? { at: last.published_at!.getTime(), id: last.id } : null,
  };
}
