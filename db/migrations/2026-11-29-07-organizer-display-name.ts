import { sql, type Kysely } from "kysely";

// The name an organizer gives when inviting co-organizers ("Sam from the data team"): the
// invitation names who sent it, so it does not read like phishing. Sealed like the organizer's
// address (it may be a real name); shown only in invitations and to the organizer.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE organizers ADD COLUMN display_name_sealed bytea`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE organizers DROP COLUMN IF EXISTS display_name_sealed`.execute(db);
}
