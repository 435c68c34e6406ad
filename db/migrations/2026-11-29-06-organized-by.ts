import { sql, type Kysely } from "kysely";

// Who stands behind a letter, in the organizers' chosen words ("Employees of Acme Cloud"), and an
// optional public contact address (for journalists and colleagues). Both are public by design.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE letters ADD COLUMN organizer_name text NOT NULL DEFAULT ''`.execute(db);
  await sql`ALTER TABLE letters ADD COLUMN contact_email text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE letters DROP COLUMN IF EXISTS contact_email`.execute(db);
  await sql`ALTER TABLE letters DROP COLUMN IF EXISTS organizer_name`.execute(db);
}
