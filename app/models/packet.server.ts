import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { Letter } from "../../db/schema";
import { namesRevealed } from "../letter-page.server";
import { countSignatures, verifiedByPeriod, type LetterCounts } from "./counts.server";
import { loadLetterView, type PublicLetter } from "./letter.server";

/** Named signers printed in the PDF; the CSV carries every one of them. */
export const PACKET_NAMES_PRINTED = 5_000;

export interface NamedEntry {
  name: string;
  jobTitle: string | null;
  domain: string;
  /** The day the signature was confirmed (YYYY-MM-DD, UTC). */
  confirmed: string;
}

export interface Packet {
  letter: Omit<PublicLetter, "status"> & { status: string };
  counts: LetterCounts;
  /** Verified signatures confirmed each day (UTC), from the hourly rollup. */
  byDay: { day: string; n: number }[];
  /** False while the reveal threshold hides names: the packet then names nobody either. */
  namesShown: boolean;
  named: NamedEntry[];
}

/** What the organizers hand over: the same figures and names the public sees, in one document. */
export async function loadPacket(db: DB, letter: Letter, namesLimit = PACKET_NAMES_PRINTED): Promise<Packet> {
  const [view, counts, days] = await Promise.all([
    loadLetterView(db, letter),
    countSignatures(db, letter.id),
    verifiedByPeriod(db, letter.id, "day"),
  ]);
  const namesShown = namesRevealed(letter.reveal_threshold, counts.public);
  const named: NamedEntry[] = [];
  if (namesShown) {
    for await (const batch of namedEntries(db, letter.id, Math.min(namesLimit, 1_000))) {
      named.push(...batch.slice(0, namesLimit - named.length));
      if (named.length >= namesLimit) break;
    }
  }
  return { letter: view, counts, byDay: days.map(({ at, n }) => ({ day: at.toISOString().slice(0, 10), n })), namesShown, named };
}

/**
 * Every named, confirmed signature in confirmation order, read by keyset in batches: a CSV of
 * 400,000 names streams without holding them all.
 */
export async function* namedEntries(db: DB, letterId: string, batch = 5_000): AsyncGenerator<NamedEntry[]> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    let query = db
      .selectFrom("signatures")
      .select(["id", "name", "job_title", "domain", "confirmed_at"])
      .where("letter_id", "=", letterId)
      .where("status", "=", "confirmed")
      .where("visibility", "=", "public")
      .where("name", "is not", null);
    if (after) query = query.where(sql<boolean>`(confirmed_at, id) > (${after.at}, ${after.id}::bigint)`);
    const rows = await query.orderBy("confirmed_at").orderBy("id").limit(batch).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ name: r.name!, jobTitle: r.job_title, domain: r.domain, confirmed: r.confirmed_at!.toISOString().slice(0, 10) }));
    const last = rows.at(-1)!;
    after = { at: last.confirmed_at!, id: last.id };
    if (rows.length < batch) return;
  }
}

/**
 * One CSV cell: quoted, quotes doubled, and a leading = + - @ (or tab, CR) neutralised with an
 * apostrophe, so a spreadsheet shows a name like "=HYPERLINK(…)" as text instead of running it.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export async function auditExport(db: DB, letterId: string, organizerId: string, action: "export-packet" | "export-pdf" | "export-csv", detail: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto("audit_log").values({ letter_id: letterId, organizer_id: organizerId, action, detail: JSON.stringify(detail) }).execute();
}
