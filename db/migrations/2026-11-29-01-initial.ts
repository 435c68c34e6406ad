import { sql, type Kysely } from "kysely";

// Frozen in time: a migration never imports app code or the current schema types.
// One statement per call: PGlite's extended protocol refuses multi-statement strings.
const up_statements = [
  sql`CREATE TABLE organizers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_hash text NOT NULL UNIQUE,
    email_encrypted bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE TABLE sessions (
    id_hash text PRIMARY KEY,
    organizer_id bigint NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
  )`,
  sql`CREATE INDEX sessions_organizer ON sessions (organizer_id)`,
  sql`CREATE TABLE login_tokens (
    token_hash text PRIMARY KEY,
    email_hash text NOT NULL,
    email_encrypted bytea,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE TABLE letters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    listed boolean NOT NULL DEFAULT true,
    title text NOT NULL,
    addressee text NOT NULL DEFAULT '',
    organization text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    allowed_domains text[] NOT NULL DEFAULT '{}',
    goal integer CHECK (goal > 0),
    closes_at timestamptz,
    reveal_threshold integer CHECK (reveal_threshold > 0),
    ask_job_title boolean NOT NULL DEFAULT true,
    version_hash text,
    published_at timestamptz,
    closed_at timestamptz,
    delivered_at timestamptz,
    delivered_to text,
    response_text text,
    response_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX letters_listed ON letters (status, published_at) WHERE listed AND status <> 'draft'`,
  sql`CREATE TABLE letter_versions (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    version_hash text NOT NULL,
    content jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (letter_id, version_hash)
  )`,
  sql`CREATE TABLE demands (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    position integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('cancel_contract', 'policy', 'transparency', 'other')),
    text text NOT NULL
  )`,
  sql`CREATE INDEX demands_letter ON demands (letter_id, position)`,
  sql`CREATE TABLE letter_organizers (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    organizer_id bigint NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (letter_id, organizer_id)
  )`,
  sql`CREATE INDEX letter_organizers_organizer ON letter_organizers (organizer_id)`,
  sql`CREATE TABLE letter_invites (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    email_hash text NOT NULL,
    email_encrypted bytea NOT NULL,
    invited_by bigint NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (letter_id, email_hash)
  )`,
  sql`CREATE INDEX letter_invites_email ON letter_invites (email_hash)`,
  sql`CREATE TABLE letter_updates (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX letter_updates_letter ON letter_updates (letter_id, created_at)`,
  // Append-only per signer: nothing here is a per-letter row, so a viral letter spreads its
  // writes over many rows instead of queueing on one.
  sql`CREATE TABLE signatures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    email_hash text NOT NULL,
    domain text NOT NULL,
    name text,
    job_title text,
    visibility text NOT NULL CHECK (visibility IN ('public', 'anonymous')),
    letter_version text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'withdrawn', 'invalidated')),
    confirm_token_hash text NOT NULL,
    confirm_expires_at timestamptz NOT NULL,
    withdraw_token_hash text NOT NULL,
    mails_sent integer NOT NULL DEFAULT 1,
    ip_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz,
    withdrawn_at timestamptz,
    UNIQUE (letter_id, email_hash)
  )`,
  sql`CREATE UNIQUE INDEX signatures_confirm_token ON signatures (confirm_token_hash)`,
  sql`CREATE UNIQUE INDEX signatures_withdraw_token ON signatures (withdraw_token_hash)`,
  // Covers the count aggregate (index-only scan on confirmed rows of one letter).
  sql`CREATE INDEX signatures_counting ON signatures (letter_id, status) INCLUDE (visibility, domain, confirmed_at)`,
  sql`CREATE INDEX signatures_named ON signatures (letter_id, confirmed_at, id) WHERE status = 'confirmed' AND visibility = 'public'`,
  sql`CREATE INDEX signatures_pending_age ON signatures (created_at) WHERE status = 'pending'`,
  sql`CREATE TABLE email_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    payload bytea,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
  )`,
  sql`CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending'`,
  sql`CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    organizer_id bigint REFERENCES organizers (id) ON DELETE SET NULL,
    action text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX audit_log_letter ON audit_log (letter_id, created_at)`,
  // rate-limiter-flexible's table, created here so that several processes never race to create it.
  sql`CREATE TABLE rate_limits (
    key varchar(255) PRIMARY KEY,
    points integer NOT NULL DEFAULT 0,
    expire bigint
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "rate_limits", "audit_log", "email_outbox", "signatures", "letter_updates", "letter_invites",
    "letter_organizers", "demands", "letter_versions", "letters", "login_tokens", "sessions", "organizers",
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
