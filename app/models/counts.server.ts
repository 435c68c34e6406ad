import { sql } from "kysely";
import type { DB } from "../../db/connection";

/** Per-domain groups smaller than this are hidden: a group of two is two people someone can find. */
export const MIN_DOMAIN_GROUP = 5;

export interface LetterCounts {
  verified: number;
  public: number;
  anonymous: number;
  byDomain: Record<string, number>;
}

/**
 * Counts are an aggregate over append-only signature rows (an index-only scan), cached for about a
 * second by the caller. Nothing on the sign or confirm path updates a per-letter row.
 */
export async function countSignatures(db: DB, letterId: string): Promise<LetterCounts> {
  const rows = await db
    .selectFrom("signatures")
    .select(["visibility", "domain", sql<number>`count(*)::int`.as("n")])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .groupBy(["visibility", "domain"])
    .execute();
  const counts: LetterCounts = { verified: 0, public: 0, anonymous: 0, byDomain: {} };
  const domains = new Map<string, number>();
  for (const { visibility, domain, n } of rows) {
    counts.verified += n;
    counts[visibility ?? "anonymous"] += n;
    domains.set(domain, (domains.get(domain) ?? 0) + n);
  }
  counts.byDomain = suppressSmallGroups(domains);
  return counts;
}

/**
 * Groups under MIN_DOMAIN_GROUP are hidden. Since the total is public, hidden groups that add up to
 * fewer than that could be recovered by subtraction, so the smallest shown groups are hidden too
 * until what is hidden is either nothing or at least MIN_DOMAIN_GROUP.
 */
export function suppressSmallGroups(groups: Map<string, number>): Record<string, number> {
  const sorted = [...groups].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.filter(([, n]) => n >= MIN_DOMAIN_GROUP);
  let hidden = sorted.filter(([, n]) => n < MIN_DOMAIN_GROUP).reduce((sum, [, n]) => sum + n, 0);
  while (hidden > 0 && hidden < MIN_DOMAIN_GROUP && shown.length > 0) hidden += shown.pop()![1];
  return Object.fromEntries(shown);
}

/** Verified counts of several letters in one query (the home page's list). */
export async function verifiedCounts(db: DB, letterIds: string[]): Promise<Map<string, number>> {
  if (letterIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("signatures")
    .select(["letter_id", sql<number>`count(*)::int`.as("n")])
    .where("letter_id", "in", letterIds)
    .where("status", "=", "confirmed")
    .groupBy("letter_id")
    .execute();
  return new Map(rows.map((r) => [r.letter_id, r.n]));
}

export interface GrowthPoint {
  at: string;
  total: number;
}

/** Cumulative verified signatures per hour for a young letter, per day after three days. */
export async function signatureGrowth(db: DB, letterId: string, publishedAt: Date | null): Promise<GrowthPoint[]> {
  const ageHours = publishedAt ? (Date.now() - publishedAt.getTime()) / 3_600_000 : 0;
  const unit = ageHours <= 72 ? "hour" : "day";
  const rows = await db
    .selectFrom("signatures")
    .select([sql<Date>`date_trunc(${unit}, confirmed_at)`.as("bucket"), sql<number>`count(*)::int`.as("n")])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  let total = 0;
  return rows.map(({ bucket, n }) => ({ at: new Date(bucket).toISOString(), total: (total += n) }));
}

export interface NamedSigner {
  name: string;
  jobTitle: string | null;
}

export async function listNamedSigners(db: DB, letterId: string, offset: number, limit: number): Promise<NamedSigner[]> {
  const rows = await db
    .selectFrom("signatures")
    .select(["name", "job_title"])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .where("visibility", "=", "public")
    .orderBy("confirmed_at")
    .orderBy("id")
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ name: r.name ?? "", jobTitle: r.job_title }));
}

/** Named entries with their ids, for the one organizer action on a single signature (hiding a name). */
export async function namedEntriesForModeration(db: DB, letterId: string, limit = 200): Promise<(NamedSigner & { id: string })[]> {
  const rows = await db
    .selectFrom("signatures")
    .select(["id", "name", "job_title"])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .where("visibility", "=", "public")
    .orderBy("confirmed_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name ?? "", jobTitle: r.job_title }));
}
