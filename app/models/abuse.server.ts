import { sql } from "kysely";
import type { DB } from "../../db/connection";

/** One network (IP hash) with this many signatures in the window is unusual for people signing by hand. */
export const NETWORK_BURST = { count: 20, minutes: 10 };
/** A domain this busy, and several times busier than its own previous hour, is worth a look. */
export const DOMAIN_BURST = { count: 50, minutes: 10, factor: 3 };

export interface AbuseSignal {
  kind: "network" | "domain";
  /** The domain for domain signals; networks are never named (only counted). */
  label: string;
  count: number;
  minutes: number;
}

/**
 * Signals for organizers, in counts only: which network is behind a burst stays unknown to them too.
 */
export async function abuseSignals(db: DB, letterId: string, now = new Date()): Promise<AbuseSignal[]> {
  const since = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const [networks, domains] = await Promise.all([
    db
      .selectFrom("signatures")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("letter_id", "=", letterId)
      .where("ip_hash", "is not", null)
      .where("created_at", ">=", since(NETWORK_BURST.minutes))
      .groupBy("ip_hash")
      .having(sql`count(*)`, ">=", NETWORK_BURST.count)
      .orderBy(sql`count(*)`, "desc")
      .execute(),
    db
      .selectFrom("signatures")
      .select([
        "domain",
        sql<number>`count(*) FILTER (WHERE created_at >= ${since(DOMAIN_BURST.minutes)})::int`.as("recent"),
        sql<number>`count(*) FILTER (WHERE created_at < ${since(DOMAIN_BURST.minutes)})::int`.as("before"),
      ])
      .where("letter_id", "=", letterId)
      .where("created_at", ">=", since(60 + DOMAIN_BURST.minutes))
      .groupBy("domain")
      .execute(),
  ]);
  const signals: AbuseSignal[] = networks.map((n) => ({ kind: "network", label: "one network", count: n.n, minutes: NETWORK_BURST.minutes }));
  for (const d of domains) {
    // Previous hour scaled to the window, so a steady domain does not trip it.
    const expected = (d.before * DOMAIN_BURST.minutes) / 60;
    if (d.recent >= DOMAIN_BURST.count && d.recent > DOMAIN_BURST.factor * expected) {
      signals.push({ kind: "domain", label: d.domain, count: d.recent, minutes: DOMAIN_BURST.minutes });
    }
  }
  return signals;
}

export interface InvalidationCriteria {
  domain: string | null;
  from: Date | null;
  to: Date | null;
  statuses: ("pending" | "confirmed")[];
}

/** The same criteria for the preview count and the update, so what was previewed is what changes. */
function criteriaSql(letterId: string, c: InvalidationCriteria) {
  const parts = [sql`letter_id = ${letterId}`, sql`status IN (${sql.join(c.statuses)})`];
  if (c.domain) parts.push(sql`(domain = ${c.domain} OR domain LIKE ${`%.${c.domain}`})`);
  if (c.from) parts.push(sql`created_at >= ${c.from}`);
  if (c.to) parts.push(sql`created_at < ${c.to}`);
  return sql.join(parts, sql` AND `);
}

export async function countMatching(db: DB, letterId: string, c: InvalidationCriteria): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM signatures WHERE ${criteriaSql(letterId, c)}`.execute(db);
  return result.rows[0]!.n;
}

class PreviewOutdated extends Error {
  constructor(readonly count: number) {
    super("preview outdated");
  }
}

/**
 * Invalidates the matching signatures (they stop counting, names erased) and writes an audit entry,
 * in one transaction. Rolls back when the set is not the one the organizer previewed.
 */
export async function invalidateSignatures(
  db: DB,
  letterId: string,
  organizerId: string,
  c: InvalidationCriteria,
  previewed: number,
): Promise<{ ok: boolean; count: number }> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await sql`
        UPDATE signatures SET status = 'invalidated', name = NULL, job_title = NULL
         WHERE ${criteriaSql(letterId, c)}`.execute(trx);
      const count = Number(result.numAffectedRows ?? 0);
      if (count !== previewed) throw new PreviewOutdated(count);
      await trx
        .insertInto("audit_log")
        .values({
          letter_id: letterId,
          organizer_id: organizerId,
          action: "invalidate-signatures",
          detail: JSON.stringify({ domain: c.domain, from: c.from?.toISOString() ?? null, to: c.to?.toISOString() ?? null, statuses: c.statuses, count }),
        })
        .execute();
      return { ok: true, count };
    });
  } catch (error) {
    if (error instanceof PreviewOutdated) return { ok: false, count: error.count };
    throw error;
  }
}

export async function auditEntries(db: DB, letterId: string) {
  const rows = await db.selectFrom("audit_log").select(["action", "detail", "created_at"]).where("letter_id", "=", letterId).orderBy("created_at", "desc").limit(50).execute();
  return rows.map((r) => ({ action: r.action, detail: r.detail, at: r.created_at.toISOString() }));
}
