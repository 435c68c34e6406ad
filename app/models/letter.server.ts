import type { DB } from "../../db/connection";
import type { DemandKind, Letter, LetterStatus } from "../../db/schema";
import type { TtlCache } from "../utils/cache.server";
import { cacheKeys } from "./read-cache.server";
import { sql } from "kysely";
import { countSignatures, signatureGrowth, verifiedCounts, type GrowthPoint, type LetterCounts } from "./counts.server";

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
  /** "Employees of Acme Cloud": the organizers' public name ("" when not given). */
  organizerName: string;
  contactEmail: string | null;
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
    organizerName: letter.organizer_name,
    contactEmail: letter.contact_email,
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

function summaryOf(l: Letter, verified: Map<string, number>): LetterListing {
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

export type LetterSort = "open" | "newest" | "signed";
export const LETTER_SORTS: readonly LetterSort[] = ["open", "newest", "signed"];

/**
 * Where a page of letters starts: two numbers and an id, by sort — open: (0 open / 1 closed,
 * publication ms); newest: (0, publication ms); signed: (verified, 0). Opaque to clients.
 */
export interface LetterCursor {
  a: number;
  b: number;
  id: string;
}
export const encodeLetterCursor = (c: LetterCursor) => `${c.a}.${c.b}.${c.id}`;
export function parseLetterCursor(raw: string | null): LetterCursor | null | "invalid" {
  if (raw === null) return null;
  const m = /^(\d{1,15})\.(\d{1,15})\.(\d{1,18})$/.exec(raw);
  return m ? { a: Number(m[1]), b: Number(m[2]), id: m[3]! } : "invalid";
}

export interface LetterListPage {
  letters: LetterListing[];
  /** Where the next page starts, or null on the last page. */
  next: LetterCursor | null;
}

/** `%`, `_` and `\` typed into a search are literal characters, not patterns. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Listed, published letters, read by keyset: any page costs what the first does, and a letter
 * published meanwhile shifts nothing. "open": open letters first, newest first within each group;
 * "newest": by publication; "signed": most verified signatures first (from the rollups, folded
 * about once a second). Times compare to the millisecond, as the cursor carries them.
 */
export async function listLettersPage(
  db: DB,
  { q = "", sort = "newest", after = null, limit = 50 }: { q?: string; sort?: LetterSort; after?: LetterCursor | null; limit?: number },
): Promise<LetterListPage> {
  const published = sql<number>`(extract(epoch FROM date_trunc('milliseconds', l.published_at)) * 1000)::bigint`;
  const closed = sql<number>`(CASE WHEN l.status = 'open' AND (l.closes_at IS NULL OR l.closes_at > now()) THEN 0 ELSE 1 END)`;
  const verified = sql<number>`coalesce((SELECT sum(c.n) FROM letter_domain_counts c WHERE c.letter_id = l.id), 0)::bigint`;
  const [a, b, direction] =
    sort === "open" ? [closed, published, sql`(${closed} > ${after?.a ?? 0} OR (${closed} = ${after?.a ?? 0} AND (${published}, l.id) < (${after?.b ?? 0}, ${after?.id ?? 0}::bigint)))`]
    : sort === "signed" ? [verified, sql<number>`0::bigint`, sql`(${verified}, l.id) < (${after?.a ?? 0}, ${after?.id ?? 0}::bigint)`]
    : [sql<number>`0::bigint`, published, sql`(${published}, l.id) < (${after?.b ?? 0}, ${after?.id ?? 0}::bigint)`];
  const order = sort === "open" ? sql`${closed} ASC, ${published} DESC, l.id DESC` : sort === "signed" ? sql`${verified} DESC, l.id DESC` : sql`${published} DESC, l.id DESC`;
  const term = q.trim();
  const rows = await sql<Letter & { ka: string; kb: string }>`
    SELECT l.*, ${a} AS ka, ${b} AS kb FROM letters l
     WHERE l.listed AND l.status <> 'draft' AND l.taken_down_at IS NULL AND l.published_at IS NOT NULL
       ${term ? sql`AND (l.title ILIKE ${likePattern(term)} OR l.organization ILIKE ${likePattern(term)})` : sql``}
       ${after ? sql`AND ${direction}` : sql``}
     ORDER BY ${order}
     LIMIT ${limit + 1}`.execute(db);
  const page = rows.rows.slice(0, limit);
  const counts = await verifiedCounts(db, page.map((l) => l.id));
  const last = page.at(-1);
  return {
    letters: page.map((l) => summaryOf(l, counts)),
    next: rows.rows.length > limit && last ? { a: Number(last.ka), b: Number(last.kb), id: last.id } : null,
  };
}
