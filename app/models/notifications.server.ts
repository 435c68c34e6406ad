import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { OrganizerNoticeProps } from "../../emails/organizer-notice";
import { enqueueEmail, PRIORITY } from "../mail/outbox.server";
import { decrypt, type Keys } from "../utils/crypto.server";

/** Round numbers worth a mail to the organizers. */
export const MILESTONES = [100, 1_000, 10_000, 100_000, 1_000_000] as const;

interface LetterTotals {
  id: string;
  goal: number | null;
  reveal_threshold: number | null;
  open: boolean;
  wants_digest: boolean;
  verified: number;
  public: number;
}

/**
 * Mails organizers who asked for it when a published letter reaches its goal, its reveal threshold or
 * a round number, once each (letter_milestones remembers what was announced; a count that falls and
 * rises again announces nothing twice), and a daily digest to those who switched it on. Counts only,
 * from the rollups. Returns how many mails were queued.
 */
export async function notifyOrganizers(db: DB, keys: Keys, appUrl: string, now = new Date()): Promise<number> {
  const letters = await sql<LetterTotals>`
    SELECT l.id, l.goal, l.reveal_threshold,
           (l.status = 'open' AND (l.closes_at IS NULL OR l.closes_at > now())) AS open,
           EXISTS (SELECT 1 FROM letter_organizers o WHERE o.letter_id = l.id AND o.notify_digest) AS wants_digest,
           coalesce(sum(c.n), 0)::int AS verified,
           coalesce(sum(c.n) FILTER (WHERE c.visibility = 'public'), 0)::int AS public
      FROM letters l
      LEFT JOIN letter_domain_counts c ON c.letter_id = l.id
     WHERE l.status <> 'draft' AND l.taken_down_at IS NULL
       AND EXISTS (SELECT 1 FROM letter_organizers o WHERE o.letter_id = l.id AND (o.notify_milestones OR o.notify_digest))
     GROUP BY l.id`.execute(db);
  let queued = 0;
  const day = now.toISOString().slice(0, 10);
  for (const letter of letters.rows) {
    const reached: string[] = [];
    if (letter.goal && letter.verified >= letter.goal) reached.push("goal");
    if (letter.reveal_threshold && letter.public >= letter.reveal_threshold) reached.push("reveal");
    for (const m of MILESTONES) if (letter.verified >= m) reached.push(`count:${m}`);
    if (letter.open && letter.wants_digest) reached.push(`digest:${day}`);
    if (reached.length === 0) continue;
    queued += await db.transaction().execute(async (trx) => {
      // Claimed in the transaction that queues the mails: two workers never announce one milestone twice.
      const fresh = await sql<{ milestone: string }>`
        INSERT INTO letter_milestones (letter_id, milestone)
        SELECT ${letter.id}, m FROM unnest(${reached}::text[]) AS m
        ON CONFLICT DO NOTHING RETURNING milestone`.execute(trx);
      const got = new Set(fresh.rows.map((r) => r.milestone));
      if (got.size === 0) return 0;
      const dashboardUrl = `${appUrl}/dashboard/letters/${letter.id}`;
      const notices: { digest: boolean; props: OrganizerNoticeProps }[] = [];
      if (got.has("goal")) notices.push({ digest: false, props: { notice: "goal", count: letter.verified, threshold: letter.goal ?? 0, dashboardUrl } });
      if (got.has("reveal")) notices.push({ digest: false, props: { notice: "reveal", count: letter.verified, threshold: letter.reveal_threshold ?? 0, dashboardUrl } });
      // Several round numbers passed at once (a first run, a burst): only the highest is news.
      const top = MILESTONES.filter((m) => got.has(`count:${m}`)).at(-1);
      if (top) notices.push({ digest: false, props: { notice: "milestone", count: letter.verified, threshold: top, dashboardUrl } });
      if (got.has(`digest:${day}`)) {
        const lastDay = await sql<{ n: number }>`
          SELECT coalesce(sum(n), 0)::int AS n FROM letter_hour_counts
           WHERE letter_id = ${letter.id} AND hour >= ${new Date(now.getTime() - 86_400_000)}`.execute(trx);
        notices.push({ digest: true, props: { notice: "digest", count: letter.verified, lastDay: lastDay.rows[0]?.n ?? 0, dashboardUrl } });
      }
      const organizers = await trx
        .selectFrom("letter_organizers")
        .innerJoin("organizers", "organizers.id", "letter_organizers.organizer_id")
        .select(["organizers.email_encrypted", "letter_organizers.notify_milestones", "letter_organizers.notify_digest"])
        .where("letter_organizers.letter_id", "=", letter.id)
        .where("organizers.suspended_at", "is", null)
        .execute();
      let n = 0;
      for (const o of organizers) {
        const to = decrypt(keys.encryption, o.email_encrypted);
        for (const { digest, props } of notices) {
          if (digest ? !o.notify_digest : !o.notify_milestones) continue;
          await enqueueEmail(trx, keys.encryption, "organizer-notice", to, props, PRIORITY.bulk);
          n++;
        }
      }
      return n;
    });
  }
  return queued;
}

/** A letter that closed by its date (no organizer pressed anything) still tells its subscribers. */
export async function announceClosings(db: DB, appUrl: string): Promise<number> {
  const result = await sql`
    INSERT INTO fanout_jobs (letter_id, event, event_key, props, until_id)
    SELECT l.id, 'closed', 'closed',
           jsonb_build_object('event', 'closed', 'text', '', 'title', l.title, 'letterUrl', ${appUrl}::text || '/letters/' || l.slug),
           coalesce((SELECT max(s.id) FROM subscriptions s WHERE s.letter_id = l.id), 0)
      FROM letters l
     WHERE l.status = 'open' AND l.closes_at <= now() AND l.taken_down_at IS NULL
       AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.letter_id = l.id AND s.status = 'active')
    ON CONFLICT (letter_id, event, event_key) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
