import { sql, type Kysely } from "kysely";

// Signer safety, second pass (docs/decisions/004 to 006). Frozen in time, like every migration.
//  - Confirmation links move to their own table: one row per mailed link, holding the sealed
//    submission (name, title, visibility) that prefills the confirmation page. A signature keeps
//    no name until a named signature is confirmed.
//  - The withdraw capability is stable per signature (derived from a key, see the model); rows
//    from before keep their original link in `legacy_withdraw_token_hash`.
//  - The per-address mail cap is a 24-hour window, not a lifetime count.
//  - Signature times are whole hours; sent outbox rows are deleted, so no send time is kept.
const up_statements = [
  // A link outlives a purged signature (signature_id set null) until a week past its expiry, like
  // every other link: how long a link says anything depends on its age only, never on what happened.
  sql`CREATE TABLE confirm_links (
    token_hash text PRIMARY KEY,
    signature_id bigint REFERENCES signatures (id) ON DELETE SET NULL,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    submission bytea,
    expires_at timestamptz NOT NULL,
    used boolean NOT NULL DEFAULT false
  )`,
  sql`CREATE INDEX confirm_links_signature ON confirm_links (signature_id)`,
  sql`CREATE INDEX confirm_links_expiry ON confirm_links (expires_at)`,
  sql`INSERT INTO confirm_links (token_hash, signature_id, letter_id, expires_at, used)
      SELECT confirm_token_hash, id, letter_id, confirm_expires_at, status <> 'pending' FROM signatures`,
  sql`ALTER TABLE signatures DROP COLUMN confirm_token_hash`,
  sql`ALTER TABLE signatures DROP COLUMN confirm_expires_at`,
  // A pending signature keeps no name in the clear: the submission waits sealed in its link.
  sql`UPDATE signatures SET name = NULL, job_title = NULL WHERE status <> 'confirmed' OR visibility <> 'public'`,
  sql`ALTER TABLE signatures ALTER COLUMN visibility DROP NOT NULL`,
  sql`ALTER TABLE signatures ADD COLUMN legacy_withdraw_token_hash text`,
  sql`UPDATE signatures SET legacy_withdraw_token_hash = withdraw_token_hash, withdraw_token_hash = NULL`,
  sql`ALTER TABLE signatures ALTER COLUMN withdraw_token_hash DROP NOT NULL`,
  sql`CREATE UNIQUE INDEX signatures_legacy_withdraw_token ON signatures (legacy_withdraw_token_hash)`,
  sql`ALTER TABLE signatures RENAME COLUMN mails_sent TO mails_in_window`,
  sql`ALTER TABLE signatures ADD COLUMN mail_window_start timestamptz NOT NULL DEFAULT date_trunc('hour', now())`,
  sql`UPDATE signatures SET created_at = date_trunc('hour', created_at), confirmed_at = date_trunc('hour', confirmed_at),
                            withdrawn_at = date_trunc('hour', withdrawn_at)`,
  sql`ALTER TABLE signatures ALTER COLUMN created_at SET DEFAULT date_trunc('hour', now())`,
  sql`DELETE FROM email_outbox WHERE status = 'sent'`,
  sql`ALTER TABLE email_outbox DROP COLUMN sent_at`,
  sql`ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_status_check`,
  sql`ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'failed'))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("2026-11-29-02 cannot be undone: sealed submissions and erased send times cannot be restored");
}
