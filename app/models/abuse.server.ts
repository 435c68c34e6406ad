import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { TtlCache } from "../utils/cache.server";
import { MIN_DOMAIN_GROUP } from "./counts.server";
import { cacheKeys } from "./read-cache.server";

/** One network (IP hash) with this many signatures in this hour or the last is unusual for people signing by hand. */
export const NETWORK_BURST = { count: 20 };
/** A domain this busy this hour, and several times busier than in the hour before, is worth a look. */
export const DOMAIN_BURST = { count: 50, factor: 3 };
/**
 * The letter as a whole: this many submissions this hour, and several times more than the hour
 * before. A letter has no rate ceiling (going viral is the point); a sudden flood is shown instead.
 */
export const LETTER_BURST = { count: 500, factor: 5 };
/** Previews of an invalidation set per letter per 24 hours (every one audited). */
export const PREVIEWS_PER_DAY = 20;

/** Networks listed one by one; beyond these, one line counts the rest. */
export const NETWORKS_LISTED = 5;

export interface AbuseSignal {
  /** "networks": the networks beyond the first NETWORKS_LISTED, together (label: how many). */
  kind: "network" | "networks" | "domain" | "letter";
  /** The domain for domain signals; networks are never named (only counted). */
  label: string;
  count: number;
}

const HOUR_MS = 3_600_000;
const hourStart = (now: Date) => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);

/**
 * How long the organizers' pages show the same signals. They speak of whole hours, and a flood
 * worth acting on lasts minutes: recounting two hours of submissions every second (what a one-second
 * cache did) cost a busy letter ~100 ms of database time a second for every organizer page open,
 * and on the embedded database that time is taken from every request. An invalidation (like every
 * change that calls invalidateLetter) clears them.
 */
export const ABUSE_SIGNALS_TTL_MS = 15_000;

/**
 * The signals as the dashboard and the moderation page read them: shared by the letter's
 * organizers, refreshed in the background (a view never waits for the recount).
 */
export function cachedAbuseSignals(db: DB, cache: TtlCache, letterId: string): Promise<AbuseSignal[]> {
  return cache.get(cacheKeys.abuse(letterId), () => abuseSignals(db, letterId), { staleWhileRevalidate: true, ttlMs: ABUSE_SIGNALS_TTL_MS });
}

/**
 * Signals for organizers, in counts only: which network is behind a burst stays unknown to them too.
 * Signature times are whole hours, so the signals speak of this hour and the one before.
 */
export async function abuseSignals(db: DB, letterId: string, now = new Date()): Promise<AbuseSignal[]> {
  const thisHour = hourStart(now);
  const lastHour = new Date(thisHour.getTime() - HOUR_MS);
  const [networks, domains] = await Promise.all([
    db
      .selectFrom("signatures")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("letter_id", "=", letterId)
      .where("ip_hash", "is not", null)
      .where("created_at", ">=", lastHour)
      .groupBy("ip_hash")
      .having(sql`count(*)`, ">=", NETWORK_BURST.count)
      .orderBy(sql`count(*)`, "desc")
      .execute(),
    db
      .selectFrom("signatures")
      .select([
        "domain",
        sql<number>`count(*) FILTER (WHERE created_at >= ${thisHour})::int`.as("recent"),
        sql<number>`count(*) FILTER (WHERE created_at < ${thisHour})::int`.as("before"),
      ])
      .where("letter_id", "=", letterId)
      .where("created_at", ">=", lastHour)
      .groupBy("domain")
      .execute(),
  ]);
  // A burst from a thousand networks (a letter shared widely behind a few NATs) is one line, not a thousand.
  const signals: AbuseSignal[] = networks.slice(0, NETWORKS_LISTED).map((n) => ({ kind: "network", label: "one network", count: n.n }));
  const rest = networks.slice(NETWORKS_LISTED);
  if (rest.length > 0) signals.push({ kind: "networks", label: String(rest.length), count: rest.reduce((sum, n) => sum + n.n, 0) });
  let recent = 0;
  let before = 0;
  for (const d of domains) {
    recent += d.recent;
    before += d.before;
    if (d.recent >= DOMAIN_BURST.count && d.recent > DOMAIN_BURST.factor * d.before) {
      signals.push({ kind: "domain", label: d.domain, count: d.recent });
    }
  }
  if (recent >= LETTER_BURST.count && recent > LETTER_BURST.factor * before) {
    signals.push({ kind: "letter", label: "all addresses", count: recent });
  }
  return signals;
}

export interface InvalidationCriteria {
  domain: string | null;
  /** Whole hours (the form snaps them). */
  from: Date | null;
  to: Date | null;
}

/** The same criteria for the preview count and the update, so what was previewed is what changes. */
function criteriaSql(letterId: string, c: InvalidationCriteria) {
  // Pending and confirmed together, always: a set of either alone would tell who has confirmed.
  const parts = [sql`letter_id = ${letterId}`, sql`status IN ('pending', 'confirmed')`];
  if (c.domain) parts.push(sql`(domain = ${c.domain} OR domain LIKE ${`%.${c.domain}`})`);
  if (c.from) parts.push(sql`created_at >= ${c.from}`);
  if (c.to) parts.push(sql`created_at < ${c.to}`);
  return sql.join(parts, sql` AND `);
}

const criteriaDetail = (c: InvalidationCriteria) => ({
  domain: c.domain,
  from: c.from?.toISOString() ?? null,
  to: c.to?.toISOString() ?? null,
});

export type PreviewResult =
  /** count null: fewer than MIN_DOMAIN_GROUP. previewId: the audit entry an invalidation must name. */
  | { ok: true; count: number | null; previewId: string | null }
  /** The day's previews for this letter are used up. */
  | { ok: false };

/**
 * Counts the set an invalidation would change, for the organizer to confirm. Sets of 0 to 4 all
 * answer null ("fewer than 5"), every preview is written to the audit log all co-organizers read,
 * and a letter gets PREVIEWS_PER_DAY of them a day.
 */
export async function previewInvalidation(db: DB, letterId: string, organizerId: string, c: InvalidationCriteria): Promise<PreviewResult> {
  return db.transaction().execute(async (trx) => {
    // One letter's previews are counted one at a time, so concurrent ones cannot both slip under the limit.
    await trx.selectFrom("letters").select("id").where("id", "=", letterId).forUpdate().execute();
    const recent = await trx
      .selectFrom("audit_log")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("letter_id", "=", letterId)
      .where("action", "=", "preview-invalidation")
      .where("created_at", ">", sql<Date>`now() - interval '24 hours'`)
      .executeTakeFirstOrThrow();
    if (recent.n >= PREVIEWS_PER_DAY) return { ok: false as const };
    const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM signatures WHERE ${criteriaSql(letterId, c)}`.execute(trx);
    const n = result.rows[0]!.n;
    const count = n < MIN_DOMAIN_GROUP ? null : n;
    const entry = await trx
      .insertInto("audit_log")
      .values({
        letter_id: letterId,
        organizer_id: organizerId,
        action: "preview-invalidation",
        detail: JSON.stringify({ ...criteriaDetail(c), count: count ?? `fewer than ${MIN_DOMAIN_GROUP}` }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true as const, count, previewId: count === null ? null : entry.id };
  });
}

class PreviewOutdated extends Error {
  constructor(readonly count: number) {
    super("preview outdated");
  }
}

/** A preview may be carried out for an hour. */
const PREVIEW_VALID_MINUTES = 60;

/**
 * Invalidates the matching signatures (they stop counting, names erased) and writes an audit entry,
 * in one transaction. Needs the audit entry of this organizer's own preview of exactly these
 * criteria, from the last hour, with a count of MIN_DOMAIN_GROUP or more; rolls back when the set
 * is no longer the one previewed.
 */
export async function invalidateSignatures(
  db: DB,
  letterId: string,
  organizerId: string,
  c: InvalidationCriteria,
  previewId: string,
): Promise<{ ok: true; count: number } | { ok: false; reason: "no-preview" | "changed" }> {
  if (!/^\d{1,18}$/.test(previewId)) return { ok: false, reason: "no-preview" };
  try {
    return await db.transaction().execute(async (trx) => {
      const preview = await trx
        .selectFrom("audit_log")
        .select("detail")
        .where("id", "=", previewId)
        .where("letter_id", "=", letterId)
        .where("organizer_id", "=", organizerId)
        .where("action", "=", "preview-invalidation")
        .where("created_at", ">", sql<Date>`now() - make_interval(mins => ${PREVIEW_VALID_MINUTES})`)
        .executeTakeFirst();
      const detail = preview?.detail as { domain?: unknown; from?: unknown; to?: unknown; count?: unknown } | undefined;
      const wanted = criteriaDetail(c);
      if (!detail || typeof detail.count !== "number" || detail.domain !== wanted.domain || detail.from !== wanted.from || detail.to !== wanted.to) {
        return { ok: false as const, reason: "no-preview" as const };
      }
      const result = await sql<{ id: string }>`
        UPDATE signatures SET status = 'invalidated', name = NULL, job_title = NULL
         WHERE ${criteriaSql(letterId, c)}
        RETURNING id`.execute(trx);
      const count = result.rows.length;
      // An invalidated signature is no signer: an address it left for news goes with it.
      if (count > 0) await trx.deleteFrom("subscriptions").where("signature_id", "in", result.rows.map((r) => r.id)).execute();
      if (count !== detail.count) throw new PreviewOutdated(count);
      await trx
        .insertInto("audit_log")
        .values({
          letter_id: letterId,
          organizer_id: organizerId,
          action: "invalidate-signatures",
          detail: JSON.stringify({ ...criteriaDetail(c), count }),
        })
        .execute();
      return { ok: true as const, count };
    });
  } catch (error) {
    if (error instanceof PreviewOutdated) return { ok: false, reason: "changed" };
    throw error;
  }
}

/**
 * An organizer hides one named entry (an impersonation report): the signature keeps counting,
 * becomes anonymous, and its name is erased. Audited, without the name.
 */
export async function hideNamedSignature(db: DB, letterId: string, organizerId: string, signatureId: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(signatureId)) return false;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("signatures")
      .set({ visibility: "anonymous", name: null, job_title: null })
      .where("id", "=", signatureId)
      .where("letter_id", "=", letterId)
      .where("status", "=", "confirmed")
      .where("visibility", "=", "public")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await trx
      .insertInto("audit_log")
      .values({ letter_id: letterId, organizer_id: organizerId, action: "hide-name", detail: JSON.stringify({ count: 1 }) })
      .execute();
    return true;
  });
}

export interface AuditEntry {
  action: string;
  detail: Record<string, unknown>;
  at: string;
  /** Whose action it was, among the letter's organizers (the reader, or a co-organizer). */
  organizerId: string | null;
}

/** The letter's audit log, which every co-organizer reads. */
export async function auditEntries(db: DB, letterId: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom("audit_log")
    .select(["action", "detail", "created_at", "organizer_id"])
    .where("letter_id", "=", letterId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(100)
    .execute();
  return rows.map((r) => ({ action: r.action, detail: r.detail, at: r.created_at.toISOString(), organizerId: r.organizer_id }));
}
