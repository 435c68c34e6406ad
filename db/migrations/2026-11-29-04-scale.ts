import { sql, type Kysely } from "kysely";

// Scale (docs/decisions/009-counts-limits-mail-at-scale.md):
// - mail has a priority: transactional (0) always goes before bulk (1);
// - counts are rollups maintained incrementally: a trigger appends +1/-1 events for every change
//   of a confirmed signature, the worker folds them into per-letter rollups, readers add the few
//   events not folded yet, so a count is exact and never an aggregate over a million rows;
// - rate limits are counted per process and reconciled in batches into clock-aligned windows.
const up_statements = [
  sql`ALTER TABLE email_outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0`,
  sql`DROP INDEX email_outbox_due`,
  sql`CREATE INDEX email_outbox_due ON email_outbox (priority, next_attempt_at, id) WHERE status = 'pending'`,

  // Append-only; folded and deleted by the worker within about a second. No time, no signature id.
  sql`CREATE TABLE signature_count_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL,
    domain text NOT NULL,
    visibility text NOT NULL,
    hour timestamptz NOT NULL,
    delta integer NOT NULL
  )`,
  sql`CREATE INDEX signature_count_events_letter ON signature_count_events (letter_id)`,
  // Every event is deleted within a second of its insert: vacuum it often, or readers wade through
  // dead index entries. (The worker also vacuums it after big folds; PGlite has no autovacuum.)
  sql`ALTER TABLE signature_count_events SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000)`,
  sql`CREATE TABLE letter_domain_counts (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    domain text NOT NULL,
    visibility text NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (letter_id, domain, visibility)
  )`,
  sql`CREATE TABLE letter_hour_counts (
    letter_id bigint NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    hour timestamptz NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (letter_id, hour)
  )`,
  sql`CREATE FUNCTION signature_count_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.status = 'confirmed' THEN
        INSERT INTO signature_count_events (letter_id, domain, visibility, hour, delta)
        VALUES (OLD.letter_id, OLD.domain, coalesce(OLD.visibility, 'anonymous'), coalesce(OLD.confirmed_at, 'epoch'), -1);
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.status = 'confirmed' THEN
        INSERT INTO signature_count_events (letter_id, domain, visibility, hour, delta)
        VALUES (NEW.letter_id, NEW.domain, coalesce(NEW.visibility, 'anonymous'), coalesce(NEW.confirmed_at, 'epoch'), 1);
      END IF;
      RETURN NULL;
    END
  $$`,
  // The WHEN clauses keep the many writes that change nothing counted (a pending row's mail window,
  // an IP hash forgotten) from running the function at all.
  sql`CREATE TRIGGER signature_counts_insert AFTER INSERT ON signatures
      FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION signature_count_event()`,
  sql`CREATE TRIGGER signature_counts_delete AFTER DELETE ON signatures
      FOR EACH ROW WHEN (OLD.status = 'confirmed') EXECUTE FUNCTION signature_count_event()`,
  sql`CREATE TRIGGER signature_counts_update AFTER UPDATE ON signatures
      FOR EACH ROW WHEN ((OLD.status = 'confirmed' OR NEW.status = 'confirmed') AND (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.visibility IS DISTINCT FROM NEW.visibility OR
        OLD.domain IS DISTINCT FROM NEW.domain OR OLD.confirmed_at IS DISTINCT FROM NEW.confirmed_at OR
        OLD.letter_id IS DISTINCT FROM NEW.letter_id))
      EXECUTE FUNCTION signature_count_event()`,
  // What is confirmed already becomes the first rollup.
  sql`INSERT INTO letter_domain_counts (letter_id, domain, visibility, n)
      SELECT letter_id, domain, coalesce(visibility, 'anonymous'), count(*) FROM signatures
       WHERE status = 'confirmed' GROUP BY 1, 2, 3`,
  sql`INSERT INTO letter_hour_counts (letter_id, hour, n)
      SELECT letter_id, coalesce(confirmed_at, 'epoch'), count(*) FROM signatures
       WHERE status = 'confirmed' GROUP BY 1, 2`,

  // Counts no longer scan signatures, so the covering index for that scan goes (every confirm had to
  // update it). What reads a letter's signatures by time (abuse signals, invalidation previews)
  // gets an index of its own, so a letter of a million is not read whole for the last hour.
  sql`DROP INDEX signatures_counting`,
  sql`CREATE INDEX signatures_recent ON signatures (letter_id, created_at) INCLUDE (ip_hash, domain)`,

  // Limiter windows end on clock boundaries (no exact expiry that could line up with a signature).
  sql`DROP TABLE rate_limits`,
  sql`CREATE TABLE rate_limit_counts (
    key text NOT NULL,
    window_end timestamptz NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (key, window_end)
  )`,
  sql`CREATE INDEX rate_limit_counts_end ON rate_limit_counts (window_end)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS rate_limit_counts`.execute(db);
  await sql`DROP INDEX IF EXISTS signatures_recent`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS signatures_counting ON signatures (letter_id, status) INCLUDE (visibility, domain, confirmed_at)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`.execute(db);
  for (const trigger of ["signature_counts_insert", "signature_counts_delete", "signature_counts_update"]) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(trigger)} ON signatures`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS signature_count_event()`.execute(db);
  await sql`DROP TABLE IF EXISTS letter_hour_counts`.execute(db);
  await sql`DROP TABLE IF EXISTS letter_domain_counts`.execute(db);
  await sql`DROP TABLE IF EXISTS signature_count_events`.execute(db);
  await sql`DROP INDEX IF EXISTS email_outbox_due`.execute(db);
  await sql`CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`ALTER TABLE email_outbox DROP COLUMN IF EXISTS priority`.execute(db);
}
