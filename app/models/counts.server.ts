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
 * Counts come from the per-letter rollups plus the few change events the worker has not folded in
 * yet, read in one statement (one snapshot, and the fold is one statement too): exact at every
 * moment, and the same cost for a letter of ten signatures or of a million.
 */
export async function countSignatures(db: DB, letterId: string): Promise<LetterCounts> {
  const { rows } = await sql<{ domain: string; visibility: "public" | "anonymous"; n: number }>`
    SELECT domain, visibility, sum(n)::int AS n FROM (
      SELECT domain, visibility, n FROM letter_domain_counts WHERE letter_id = ${letterId}
      UNION ALL
      SELECT domain, visibility, delta FROM signature_count_events WHERE letter_id = ${letterId}
    ) AS c
    GROUP BY domain, visibility
    HAVING sum(n) <> 0`.execute(db);
  const counts: LetterCounts = { verified: 0, public: 0, anonymous: 0, byDomain: {} };
  const domains = new Map<string, number>();
  for (const { visibility, domain, n } of rows) {
    counts.verified += n;
    counts[visibility] += n;
    domains.set(domain, (domains.get(domain) ?? 0) + n);
  }
  counts.byDomain = suppressSmallGroups(domains);
  return counts;
}

/** Totals only (what the organizer dashboard shows): the same sources as countSignatures, grouped by visibility alone. */
export async function countTotals(db: DB, letterId: string): Promise<Omit<LetterCounts, "byDomain">> {
  const { rows } = await sql<{ visibility: "public" | "anonymous"; n: number }>`
    SELECT visibility, sum(n)::int AS n FROM (
      SELECT visibility, n FROM letter_domain_counts WHERE letter_id = ${letterId}
      UNION ALL
      SELECT visibility, delta FROM signature_count_events WHERE letter_id = ${letterId}
    ) AS c
    GROUP BY visibility`.execute(db);
  const totals = { verified: 0, public: 0, anonymous: 0 };
  for (const { visibility, n } of rows) {
    totals[visibility] += n;
    totals.verified += n;
  }
  return totals;
}

/** The same figures counted from the signature rows themselves: what the rollups must always equal. */
export async function countSignaturesFromRows(db: DB, letterId: string): Promise<{ byKey: Record<string, number>; byHour: Record<string, number> }> {
  const [keys, hours] = await Promise.all([
    db
      .selectFrom("signatures")
      .select(["visibility", "domain", sql<number>`count(*)::int`.as("n")])
      .where("letter_id", "=", letterId)
      .where("status", "=", "confirmed")
      .groupBy(["visibility", "domain"])
      .execute(),
    db
      .selectFrom("signatures")
      .select(["confirmed_at", sql<number>`count(*)::int`.as("n")])
      .where("letter_id", "=", letterId)
      .where("status", "=", "confirmed")
      .groupBy("confirmed_at")
      .execute(),
  ]);
  return {
    byKey: Object.fromEntries(keys.map((r) => [`${r.domain}/${r.visibility ?? "anonymous"}`, r.n])),
    byHour: Object.fromEntries(hours.map((r) => [new Date(r.confirmed_at ?? 0).toISOString(), r.n])),
  };
}

/** The rollups alone (no pending events): after a fold they equal countSignaturesFromRows. */
export async function rollupsOf(db: DB, letterId: string): Promise<{ byKey: Record<string, number>; byHour: Record<string, number> }> {
  const [keys, hours] = await Promise.all([
    db.selectFrom("letter_domain_counts").select(["domain", "visibility", "n"]).where("letter_id", "=", letterId).where("n", "<>", "0").execute(),
    db.selectFrom("letter_hour_counts").select(["hour", "n"]).where("letter_id", "=", letterId).where("n", "<>", "0").execute(),
  ]);
  return {
    byKey: Object.fromEntries(keys.map((r) => [`${r.domain}/${r.visibility}`, Number(r.n)])),
    byHour: Object.fromEntries(hours.map((r) => [new Date(r.hour).toISOString(), Number(r.n)])),
  };
}

/** Events folded per statement: a burst is folded in a few short statements, not one long one. */
const FOLD_BATCH = 20_000;

/**
 * Moves change events into the rollups, in one statement per batch: an event is deleted in the same
 * statement that adds it to both rollups, so readers (rollups + events) never see it twice or not
 * at all. SKIP LOCKED lets several workers fold side by side; rows are upserted in key order so two
 * folds cannot deadlock. Returns how many events were folded.
 */
export async function foldCountEvents(db: DB): Promise<number> {
  let folded = 0;
  try {
    return await foldBatches(db, (n) => (folded += n));
  } finally {
    foldedSinceVacuum += folded;
    if (foldedSinceVacuum >= VACUUM_AFTER_EVENTS && Date.now() - lastVacuum > 60_000) {
      foldedSinceVacuum = 0;
      lastVacuum = Date.now();
      // Dead events make every count read wade through dead index entries until vacuumed.
      await sql`VACUUM signature_count_events`.execute(db).catch(() => {});
    }
  }
}

const VACUUM_AFTER_EVENTS = 50_000;
let foldedSinceVacuum = 0;
let lastVacuum = 0;

async function foldBatches(db: DB, count: (n: number) => void): Promise<number> {
  let folded = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      WITH moved AS (
        DELETE FROM signature_count_events
         WHERE id IN (SELECT id FROM signature_count_events ORDER BY id LIMIT ${FOLD_BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING letter_id, domain, visibility, hour, delta),
      live AS (SELECT m.* FROM moved AS m WHERE EXISTS (SELECT 1 FROM letters AS l WHERE l.id = m.letter_id)),
      by_domain AS (
        INSERT INTO letter_domain_counts AS c (letter_id, domain, visibility, n)
        SELECT letter_id, domain, visibility, sum(delta) FROM live GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (letter_id, domain, visibility) DO UPDATE SET n = c.n + excluded.n),
      by_hour AS (
        INSERT INTO letter_hour_counts AS c (letter_id, hour, n)
        SELECT letter_id, hour, sum(delta) FROM live GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (letter_id, hour) DO UPDATE SET n = c.n + excluded.n)
      SELECT count(*)::int AS n FROM moved`.execute(db);
    const n = rows[0]?.n ?? 0;
    folded += n;
    count(n);
    if (n < FOLD_BATCH) return folded;
  }
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
  const ids = sql.join(letterIds);
  const { rows } = await sql<{ letter_id: string; n: number }>`
    SELECT letter_id, sum(n)::int AS n FROM (
      SELECT letter_id, n FROM letter_domain_counts WHERE letter_id IN (${ids})
      UNION ALL
      SELECT letter_id, delta FROM signature_count_events WHERE letter_id IN (${ids})
    ) AS c
    GROUP BY letter_id`.execute(db);
  return new Map(rows.map((r) => [r.letter_id, r.n]));
}

export interface GrowthPoint {
  at: string;
  total: number;
}

/** Verified signatures confirmed in each hour or day (the hourly rollup plus unfolded events), oldest first. */
export async function verifiedByPeriod(db: DB, letterId: string, unit: "hour" | "day"): Promise<{ at: Date; n: number }[]> {
  const { rows } = await sql<{ bucket: Date; n: number }>`
    SELECT date_trunc(${unit}, hour, 'UTC') AS bucket, sum(n)::int AS n FROM (
      SELECT hour, n FROM letter_hour_counts WHERE letter_id = ${letterId}
      UNION ALL
      SELECT hour, delta FROM signature_count_events WHERE letter_id = ${letterId}
    ) AS c
    GROUP BY 1
    HAVING sum(n) <> 0
    ORDER BY 1`.execute(db);
  return rows.map(({ bucket, n }) => ({ at: new Date(bucket), n }));
}

/** Cumulative verified signatures per hour for a young letter, per day after three days (from the hourly rollup). */
export async function signatureGrowth(db: DB, letterId: string, publishedAt: Date | null): Promise<GrowthPoint[]> {
  const ageHours = publishedAt ? (Date.now() - publishedAt.getTime()) / 3_600_000 : 0;
  let total = 0;
  return (await verifiedByPeriod(db, letterId, ageHours <= 72 ? "hour" : "day")).map(({ at, n }) => ({ at: at.toISOString(), total: (total += n) }));
}

export interface NamedSigner {
  name: string;
  jobTitle: string | null;
}

/**
 * A place in the list of named signers (confirmed hour, then id): pages are read by keyset from
 * there, so the ten-thousandth page costs what the first does.
 */
export interface SignerCursor {
  /** Confirmation time, ms since the epoch (whole hours in practice). */
  at: number;
  id: string;
}

export const encodeCursor = (c: SignerCursor): string => `${c.at}-${c.id}`;

/** null for no cursor; "invalid" for anything we did not issue the shape of. */
export function parseCursor(raw: string | null): SignerCursor | null | "invalid" {
  if (raw === null) return null;
  const m = /^(\d{1,15})-(\d{1,18})$/.exec(raw);
  return m ? { at: Number(m[1]), id: m[2]! } : "invalid";
}

export type SignerRange = { after: SignerCursor } | { before: SignerCursor } | null;

export async function listNamedSigners(db: DB, letterId: string, range: SignerRange, limit: number): Promise<(NamedSigner & { cursor: string })[]> {
  const backwards = range !== null && "before" in range;
  const at = range && ("after" in range ? range.after : range.before);
  let query = db
    .selectFrom("signatures")
    .select(["id", "name", "job_title", "confirmed_at"])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .where("visibility", "=", "public");
  if (at) {
    const position = sql`(${new Date(at.at)}::timestamptz, ${at.id}::bigint)`;
    query = query.where(sql<boolean>`(confirmed_at, id) ${sql.raw(backwards ? "<" : ">")} ${position}`);
  }
  const direction = backwards ? "desc" : "asc";
  const rows = await query.orderBy("confirmed_at", direction).orderBy("id", direction).limit(limit).execute();
  if (backwards) rows.reverse();
  return rows.map((r) => ({
    name: r.name ?? "",
    jobTitle: r.job_title,
    cursor: encodeCursor({ at: new Date(r.confirmed_at ?? 0).getTime(), id: r.id }),
  }));
}

/** Named entries the organizer dashboard lists at once (the most recent, or a search's first). */
export const NAMED_ENTRIES_SHOWN = 20;

/**
 * Named entries with their ids, for the one organizer action on a single signature (hiding a name):
 * the most recent ones, or those whose name starts with `search` (a report names the person).
 */
export async function namedEntriesForModeration(db: DB, letterId: string, search = "", limit = NAMED_ENTRIES_SHOWN): Promise<(NamedSigner & { id: string })[]> {
  let query = db
    .selectFrom("signatures")
    .select(["id", "name", "job_title"])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .where("visibility", "=", "public");
  if (search) query = query.where(sql<boolean>`lower(name) LIKE ${search.toLowerCase().replace(/[\\%_]/g, "\\$&") + "%"}`);
  const rows = await query.orderBy("confirmed_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({ id: r.id, name: r.name ?? "", jobTitle: r.job_title }));
}
