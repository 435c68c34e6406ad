import { sql, type Kysely } from "kysely";

// Whole hours are UTC hours, whatever the server's or the session's time zone. `date_trunc('hour',
// now())` truncates in the session's zone: on a server set to Asia/Kolkata (+05:30) it stored
// signature times at half past a UTC hour, and day buckets began at local midnight while pages
// label them as UTC days. The defaults now name the zone; rows already written stay as they are
// (still whole hours of their zone: nothing finer was ever kept).
const columns = [
  ["signatures", "created_at"],
  ["signatures", "mail_window_start"],
  ["subscriptions", "created_at"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of columns) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET DEFAULT date_trunc('hour', now(), 'UTC')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of columns) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET DEFAULT date_trunc('hour', now())`.execute(db);
  }
}
