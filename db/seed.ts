import { sql } from "kysely";
import { publishLetter } from "../app/models/letter-admin.server";
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
