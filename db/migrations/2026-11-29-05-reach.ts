import { sql, type Kysely } from "kysely";

// Reach (docs/decisions/010-reach-without-keeping-signers.md):
// - subscriptions: an address a confirmed signer chose for news of one letter, sealed, double
//   opt-in, erased on unsubscribe, on withdrawal and 90 days after the letter closes;
// - fanout_jobs: one durable job per letter event (update, delivery, response, closing); the worker
//   walks the subscribers by id in paced batches, writing the outbox rows and its cursor in one
//   transaction, so a crash repeats nothing and loses nothing;
// - organizer notifications: per-organizer switches and the milestones already announced.
const up_statements = [
  sql`CREATE TABLE subscriptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    signature_id bigint REFERENCES signatures (id) ON DELETE CASCADE,
    address_hash text NOT NULL,
    address_sealed bytea NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active')),
    confirm_token_hash text,
    unsubscribe_token_hash text NOT NULL,
    mails_sent integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
    confirmed_at timestamptz
  )`,
  sql`CREATE UNIQUE INDEX subscriptions_address ON subscriptions (letter_id, address_hash)`,
  sql`CREATE UNIQUE INDEX subscriptions_signature ON subscriptions (signature_id)`,
  sql`CREATE UNIQUE INDEX subscriptions_confirm ON subscriptions (confirm_token_hash)`,
  sql`CREATE UNIQUE INDEX subscriptions_unsubscribe ON subscriptions (unsubscribe_token_hash)`,
  sql`CREATE INDEX subscriptions_active ON subscriptions (letter_id, id) WHERE status = 'active'`,

  sql`CREATE TABLE fanout_jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    event text NOT NULL,
    event_key text NOT NULL,
    props jsonb NOT NULL,
    until_id bigint NOT NULL,
    after_id bigint NOT NULL DEFAULT 0,
    sent integer NOT NULL DEFAULT 0,
    done_at timestamptz,
    next_run_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  // At most one job per event: posting the same event twice (a retried request) makes no second job.
  sql`CREATE UNIQUE INDEX fanout_jobs_event ON fanout_jobs (letter_id, event, event_key)`,
  sql`CREATE INDEX fanout_jobs_due ON fanout_jobs (next_run_at) WHERE done_at IS NULL`,

  sql`ALTER TABLE letter_organizers ADD COLUMN notify_milestones boolean NOT NULL DEFAULT true`,
  sql`ALTER TABLE letter_organizers ADD COLUMN notify_digest boolean NOT NULL DEFAULT false`,
  sql`CREATE TABLE letter_milestones (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    milestone text NOT NULL,
    reached_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (letter_id, milestone)
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS letter_milestones`.execute(db);
  await sql`ALTER TABLE letter_organizers DROP COLUMN IF EXISTS notify_digest`.execute(db);
  await sql`ALTER TABLE letter_organizers DROP COLUMN IF EXISTS notify_milestones`.execute(db);
  await sql`DROP TABLE IF EXISTS fanout_jobs`.execute(db);
  await sql`DROP TABLE IF EXISTS subscriptions`.execute(db);
}
