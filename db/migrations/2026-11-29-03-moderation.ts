import { sql, type Kysely } from "kysely";

// Moderation by the site's operators: reports from the public, takedowns with a public reason,
// suspended organizer accounts, and an audit of every operator action.
const up_statements = [
  sql`CREATE TABLE letter_reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    reason text NOT NULL,
    contact_encrypted bytea,
    resolved boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX letter_reports_open ON letter_reports (created_at) WHERE NOT resolved`,
  sql`ALTER TABLE letters ADD COLUMN taken_down_at timestamptz`,
  sql`ALTER TABLE letters ADD COLUMN takedown_reason text`,
  sql`ALTER TABLE organizers ADD COLUMN suspended_at timestamptz`,
  sql`CREATE TABLE operator_audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator_id bigint REFERENCES organizers (id) ON DELETE SET NULL,
    actor text NOT NULL,
    action text NOT NULL,
    letter_id bigint REFERENCES letters (id) ON DELETE SET NULL,
    organizer_id bigint REFERENCES organizers (id) ON DELETE SET NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS operator_audit`.execute(db);
  await sql`DROP TABLE IF EXISTS letter_reports`.execute(db);
  await sql`ALTER TABLE organizers DROP COLUMN IF EXISTS suspended_at`.execute(db);
  await sql`ALTER TABLE letters DROP COLUMN IF EXISTS takedown_reason`.execute(db);
  await sql`ALTER TABLE letters DROP COLUMN IF EXISTS taken_down_at`.execute(db);
}
