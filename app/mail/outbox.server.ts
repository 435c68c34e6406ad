import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { OutboxRow } from "../../db/schema";
import type { EmailKind, EmailProps } from "../../emails/index";
import { decrypt, encrypt, type Keyring } from "../utils/crypto.server";

export const MAX_ATTEMPTS = 8;
/** A claimed row is invisible to other workers for this long; a crashed worker's rows come back after it. */
export const DEFAULT_LEASE_SECONDS = 120;

export interface OutboxPayload<K extends EmailKind = EmailKind> {
  to: string;
  props: EmailProps[K];
}

/** Seals recipient and props together: the address (and any token in a link) is at rest only encrypted. */
export function sealPayload<K extends EmailKind>(key: Keyring, to: string, props: EmailProps[K]): Buffer {
  return encrypt(key, JSON.stringify({ to, props }));
}

export function openPayload(key: Keyring, sealed: Uint8Array): OutboxPayload {
  return JSON.parse(decrypt(key, sealed));
}

/** Call with the transaction of the change that causes the mail, so both commit or neither does. */
export async function enqueueEmail<K extends EmailKind>(
  trx: DB,
  key: Keyring,
  kind: K,
  to: string,
  props: EmailProps[K],
  priority: number = PRIORITY.transactional,
): Promise<void> {
  await trx.insertInto("email_outbox").values({ kind, payload: sealPayload(key, to, props), priority }).execute();
}

/**
 * Someone is waiting for a confirmation or login mail; nobody is waiting for a newsletter. Bulk
 * mail (updates to subscribers) is claimed only when no transactional mail is due.
 */
export const PRIORITY = { transactional: 0, bulk: 1 } as const;

/** Claims due rows; SKIP LOCKED lets several workers share the queue without taking the same row. */
export async function claimDueEmails(db: DB, limit: number, leaseSeconds = DEFAULT_LEASE_SECONDS): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    UPDATE email_outbox
       SET attempts = attempts + 1,
           next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
     WHERE id IN (
       SELECT id FROM email_outbox
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY priority, next_attempt_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return result.rows;
}

/**
 * The transport accepted them: the rows go (one statement per batch). A kept row with its send time would let a database dump
 * be lined up with the mail server's logs.
 */
export async function markEmailsSent(db: DB, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Only the claim we hold: a row whose lease ran out and was claimed again is the new claim's.
  await sql`DELETE FROM email_outbox WHERE (id, attempts) IN (${sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.attempts}::int)`))})`.execute(db);
}

/** Exponential backoff with jitter for transient failures; give up (and erase) after MAX_ATTEMPTS or a permanent one. */
export async function markEmailFailed(db: DB, row: OutboxRow, error: string, permanent: boolean): Promise<void> {
  const giveUp = permanent || row.attempts >= MAX_ATTEMPTS;
  const delaySeconds = Math.min(5 * 2 ** (row.attempts - 1), 3600) * (0.8 + Math.random() * 0.4);
  await db
    .updateTable("email_outbox")
    .set(
      giveUp
        ? { status: "failed", payload: null, last_error: error.slice(0, 500) }
        : { next_attempt_at: new Date(Date.now() + delaySeconds * 1000), last_error: error.slice(0, 500) },
    )
    .where("id", "=", row.id)
    .where("attempts", "=", row.attempts)
    .execute();
}

/** Failed rows hold nothing secret (the payload is erased), but nothing needs them after a week either. */
export async function deleteOldEmails(db: DB, olderThanDays = 7): Promise<void> {
  await db
    .deleteFrom("email_outbox")
    .where("status", "=", "failed")
    .where("created_at", "<", new Date(Date.now() - olderThanDays * 86_400_000))
    .execute();
}
