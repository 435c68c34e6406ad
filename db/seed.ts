import { sql } from "kysely";
import { publishLetter } from "../app/models/letter-admin.server";
import { foldCountEvents } from "../app/models/counts.server";
import type { DB } from "./connection";

export const DEMO_SLUG = "demo";

/** The demo letter: open, listed, example.com and example.org, no reveal threshold, three demands. */
export async function seedDemo(db: DB): Promise<"created" | "exists"> {
  const existing = await db.selectFrom("letters").select("id").where("slug", "=", DEMO_SLUG).executeTakeFirst();
  if (existing) return "exists";
  await db.transaction().execute(async (trx) => {
    const letter = await trx
      .insertInto("letters")
      .values({
        slug: DEMO_SLUG,
        title: "Cancel the border surveillance contract",
        addressee: "Dana Example, Chief Executive Officer",
        organization: "Example Corp",
        organizer_name: "Employees of Example Corp's data teams",
        contact_email: "open-letter@example.org",
        body: [
          "We are employees of Example Corp. We build the tools our customers trust, and we want to be proud of where they are used.",
          "",
          "Last month the company signed a contract to supply analytics to a border surveillance programme that has separated families. **We refuse to be complicit.**",
          "",
          "We ask leadership to act on the demands below, and to answer us in public.",
        ].join("\n"),
        allowed_domains: sql<string[]>`ARRAY['example.com', 'example.org']`,
        listed: true,
        ask_job_title: true,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("demands")
      .values([
        { letter_id: letter.id, position: 1, kind: "cancel_contract", text: "Cancel the border surveillance contract and commit not to renew it." },
        { letter_id: letter.id, position: 2, kind: "policy", text: "Adopt a human-rights policy that every customer contract is reviewed against." },
        { letter_id: letter.id, position: 3, kind: "transparency", text: "Publish every government contract above $1M, each quarter." },
      ])
      .execute();
    await publishLetter(trx, letter.id);
  });
  return "created";
}

/** Rows per INSERT … SELECT: big enough to be fast, small enough to keep each transaction short. */
const BULK_BATCH = 100_000;

/**
 * Fills a letter with `count` confirmed signatures generated inside the database (generate_series,
 * no rows shipped from Node): about 70 % from the employer's main domain, the rest from a long tail
 * of 300 subsidiaries, 40 % named, confirmed over the last 30 days. The rollups are folded at the end.
 * For benchmarks and demos of a viral letter; every address is made up.
 */
export async function seedSignatures(db: DB, slug: string, count: number, onProgress?: (done: number) => void): Promise<{ letterId: string; inserted: number }> {
  const letter = await db.selectFrom("letters").select(["id", "version_hash"]).where("slug", "=", slug).executeTakeFirst();
  if (!letter) throw new Error(`no letter with the slug "${slug}"`);
  // Unique per run, so a second seed of the same letter adds rather than collides.
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  let inserted = 0;
  while (inserted < count) {
    const n = Math.min(BULK_BATCH, count - inserted);
    await sql`
      INSERT INTO signatures (letter_id, email_hash, domain, name, job_title, visibility, letter_version, status,
                              withdraw_token_hash, confirmed_at, created_at)
      SELECT ${letter.id}, encode(sha256(convert_to(${run} || ':' || g, 'UTF8')), 'hex'), s.domain,
             CASE WHEN s.named THEN 'Seeded Signer ' || g END,
             CASE WHEN s.named AND g % 3 = 0 THEN 'Engineer' END,
             CASE WHEN s.named THEN 'public' ELSE 'anonymous' END,
             ${letter.version_hash ?? ""}, 'confirmed',
             encode(sha256(convert_to('withdraw:' || ${run} || ':' || g, 'UTF8')), 'hex'), s.at, s.at
        FROM generate_series(${inserted + 1}::int, ${inserted + n}::int) AS g,
        LATERAL (SELECT CASE WHEN random() < 0.7 THEN 'example.com'
                             ELSE 'unit' || floor(power(random(), 3) * 300)::int || '.example.org' END AS domain,
                        random() < 0.4 AS named,
                        date_trunc('hour', now() - random() * interval '30 days', 'UTC') AS at
                  WHERE g IS NOT NULL) AS s`.execute(db);
    inserted += n;
    onProgress?.(inserted);
  }
  // Signatures from the last 30 days belong to a letter published at least that long ago.
  await sql`UPDATE letters SET published_at = least(published_at, now() - interval '30 days') WHERE id = ${letter.id}`.execute(db);
  await foldCountEvents(db);
  return { letterId: letter.id, inserted };
}
