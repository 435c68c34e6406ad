import { createHmac } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { LetterNewsProps, NewsEvent } from "../../emails/letter-news";
import { enqueueEmail, PRIORITY, sealPayload } from "../mail/outbox.server";
import { decrypt, encrypt, hmac, newToken, sha256, type Keys } from "../utils/crypto.server";
import { canonicalEmail } from "../validation";

/** A new address gets at most this many opt-in mails; then it must wait for the request to be forgotten. */
export const MAX_OPT_IN_MAILS = 3;
/** An unconfirmed subscription (and its opt-in link) is forgotten after this long. */
export const SUBSCRIPTION_CONFIRM_HOURS = 72;
/** Subscriber addresses are erased this long after the letter closes. */
export const SUBSCRIBER_RETENTION_DAYS = 90;
/** News mails queued per second per event, unless FANOUT_RATE_PER_SECOND says otherwise. */
export const DEFAULT_FANOUT_RATE = 50;

const addressHash = (keys: Keys, letterId: string, address: string) => hmac(keys.subscriberHash, `${letterId}:${canonicalEmail(address)}`);
/** Sealed to this letter and this subscription: the ciphertext opens in no other row. */
export const subscriptionAad = (hash: string) => `subscription:${hash}`;

/** Every news mail carries the same unsubscribe link, derived from the subscription's fingerprint. */
export function unsubscribeTokenFor(keys: Keys, hash: string): string {
  return createHmac("sha256", keys.unsubscribe).update(`unsubscribe:${hash}`).digest("base64url");
}

export type SubscribeResult =
  /** An opt-in mail is on its way (a new address, or one still waiting to confirm). */
  | { state: "mailed" }
  /** That address already gets this letter's news: nothing is sent. */
  | { state: "active" }
  /** The signer already confirmed another address for this letter. */
  | { state: "has-other" }
  /** Too many opt-in mails to that address. */
  | { state: "limit" };

/**
 * A confirmed signer asks for news at an address of their choice. The address is sealed at once and
 * nothing but one opt-in mail goes to it until its owner confirms.
 */
export async function subscribe(
  db: DB,
  keys: Keys,
  appUrl: string,
  { letterId, signatureId, address }: { letterId: string; signatureId: string; address: string },
): Promise<SubscribeResult> {
  const hash = addressHash(keys, letterId, address);
  return db.transaction().execute(async (trx) => {
    const mine = await trx.selectFrom("subscriptions").select(["id", "status", "address_hash"]).where("signature_id", "=", signatureId).forUpdate().executeTakeFirst();
    if (mine && mine.address_hash !== hash) {
      // A typo can be corrected while it waits for confirmation; a confirmed address stays until unsubscribed.
      if (mine.status === "active") return { state: "has-other" };
      await trx.deleteFrom("subscriptions").where("id", "=", mine.id).execute();
    }
    const existing = await trx
      .selectFrom("subscriptions")
      .select(["id", "status", "mails_sent", "signature_id"])
      .where("letter_id", "=", letterId)
      .where("address_hash", "=", hash)
      .forUpdate()
      .executeTakeFirst();
    if (existing?.status === "active") return { state: "active" };
    if (existing && existing.mails_sent >= MAX_OPT_IN_MAILS) return { state: "limit" };
    const token = newToken();
    if (existing) {
      await trx
        .updateTable("subscriptions")
        .set({ confirm_token_hash: sha256(token), mails_sent: existing.mails_sent + 1, signature_id: existing.signature_id ?? signatureId })
        .where("id", "=", existing.id)
        .execute();
    } else {
      await trx
        .insertInto("subscriptions")
        .values({
          letter_id: letterId,
          signature_id: signatureId,
          address_hash: hash,
          address_sealed: encrypt(keys.encryption, address.trim(), subscriptionAad(hash)),
          confirm_token_hash: sha256(token),
          unsubscribe_token_hash: sha256(unsubscribeTokenFor(keys, hash)),
        })
        .execute();
    }
    await enqueueEmail(trx, keys.encryption, "subscription-confirm", address.trim(), { confirmUrl: `${appUrl}/news/confirm/${token}` });
    return { state: "mailed" };
  });
}

export interface SubscriptionLink {
  letter: { id: string; slug: string; title: string };
  state: "pending" | "active";
}

/** An opt-in link works for SUBSCRIPTION_CONFIRM_HOURS, and the hour its request was made in (whole hours). */
const confirmableSince = () => sql<Date>`now() - make_interval(hours => ${SUBSCRIPTION_CONFIRM_HOURS + 1})`;

/** The letter an opt-in link belongs to (for the page that asks the owner to press the button). */
export async function findSubscriptionByConfirmToken(db: DB, token: string): Promise<SubscriptionLink | null> {
  const row = await db
    .selectFrom("subscriptions")
    .innerJoin("letters", "letters.id", "subscriptions.letter_id")
    .select(["letters.id", "letters.slug", "letters.title", "subscriptions.status"])
    .where("subscriptions.confirm_token_hash", "=", sha256(token))
    .where((eb) => eb.or([eb("subscriptions.status", "=", "active"), eb("subscriptions.created_at", ">", confirmableSince())]))
    .executeTakeFirst();
  return row ? { letter: { id: row.id, slug: row.slug, title: row.title }, state: row.status } : null;
}

/**
 * The owner said yes. The link keeps its hash: opened again it says the address gets news (it is
 * the owner's own inbox that holds it), and a second press changes nothing.
 */
export async function confirmSubscription(db: DB, token: string): Promise<{ slug: string; title: string } | null> {
  const row = await db
    .updateTable("subscriptions")
    .set({ status: "active", confirmed_at: sql<Date>`date_trunc('hour', now(), 'UTC')` })
    .where("confirm_token_hash", "=", sha256(token))
    .where("status", "=", "pending")
    .where("created_at", ">", confirmableSince())
    .returning("letter_id")
    .executeTakeFirst();
  if (!row) return null;
  return (await db.selectFrom("letters").select(["slug", "title"]).where("id", "=", row.letter_id).executeTakeFirst()) ?? null;
}

export async function findSubscriptionByUnsubscribeToken(db: DB, token: string): Promise<{ slug: string; title: string } | null> {
  return (
    (await db
      .selectFrom("subscriptions")
      .innerJoin("letters", "letters.id", "subscriptions.letter_id")
      .select(["letters.slug", "letters.title"])
      .where("subscriptions.unsubscribe_token_hash", "=", sha256(token))
      .executeTakeFirst()) ?? null
  );
}

/** Erases the subscription (the sealed address with it). Null when there was none (already gone). */
export async function unsubscribe(db: DB, token: string): Promise<{ letterId: string } | null> {
  const row = await db.deleteFrom("subscriptions").where("unsubscribe_token_hash", "=", sha256(token)).returning("letter_id").executeTakeFirst();
  return row ? { letterId: row.letter_id } : null;
}

/** A withdrawn signature takes its subscription with it. Call in the withdrawal's transaction. */
export async function eraseSubscriptionOfSignature(trx: DB, signatureId: string): Promise<void> {
  await trx.deleteFrom("subscriptions").where("signature_id", "=", signatureId).execute();
}

/** Active subscribers of a letter (organizers see this count, under the small-group rule). */
export async function subscriberCount(db: DB, letterId: string): Promise<number> {
  const row = await db
    .selectFrom("subscriptions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("letter_id", "=", letterId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Retention: unconfirmed requests after SUBSCRIPTION_CONFIRM_HOURS; every address of a letter
 * SUBSCRIBER_RETENTION_DAYS after it closed (by an organizer, or by its closing date); finished
 * fan-out jobs after a week.
 */
export async function eraseExpiredSubscriptions(db: DB, now = new Date()): Promise<number> {
  const pending = await db
    .deleteFrom("subscriptions")
    .where("status", "=", "pending")
    .where("created_at", "<", new Date(now.getTime() - SUBSCRIPTION_CONFIRM_HOURS * 3_600_000 - 3_600_000))
    .executeTakeFirst();
  const cutoff = new Date(now.getTime() - SUBSCRIBER_RETENTION_DAYS * 86_400_000);
  const closed = await db
    .deleteFrom("subscriptions")
    .where("letter_id", "in", (eb) =>
      eb
        .selectFrom("letters")
        .select("id")
        .where((w) => w.or([w("closed_at", "<", cutoff), w.and([w("closed_at", "is", null), w("closes_at", "<", cutoff)])])),
    )
    .executeTakeFirst();
  await db.deleteFrom("fanout_jobs").where("done_at", "<", new Date(now.getTime() - 7 * 86_400_000)).execute();
  return Number(pending.numDeletedRows) + Number(closed.numDeletedRows);
}

export type NewsProps = Omit<LetterNewsProps, "unsubscribeUrl">;

/**
 * Records a letter event for its subscribers, in the transaction of the event itself. The job covers
 * the subscribers confirmed so far; posting the same event twice makes no second job.
 */
export async function queueNews(trx: DB, letterId: string, eventKey: string, props: NewsProps): Promise<void> {
  await sql`
    INSERT INTO fanout_jobs (letter_id, event, event_key, props, until_id)
    SELECT ${letterId}, ${props.event satisfies NewsEvent}, ${eventKey}, ${JSON.stringify(props)}::jsonb,
           coalesce((SELECT max(id) FROM subscriptions WHERE letter_id = ${letterId}), 0)
    ON CONFLICT (letter_id, event, event_key) DO NOTHING`.execute(trx);
}

/**
 * One paced step of one due fan-out job: the next batch of its subscribers becomes outbox rows (bulk
 * priority, so confirmations and logins still go first), and the job's cursor moves past them in the
 * same transaction. A worker killed anywhere repeats nothing: either the rows and the cursor
 * committed, or neither did. Returns how many mails were queued.
 */
export async function runFanoutStep(db: DB, keys: Keys, appUrl: string, ratePerSecond = DEFAULT_FANOUT_RATE): Promise<number> {
  const batch = Math.max(1, Math.min(500, Math.round(ratePerSecond)));
  return db.transaction().execute(async (trx) => {
    const job = await sql<{ id: string; letter_id: string; props: NewsProps; until_id: string; after_id: string }>`
      SELECT id, letter_id, props, until_id, after_id FROM fanout_jobs
       WHERE done_at IS NULL AND next_run_at <= now()
       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
    const current = job.rows[0];
    if (!current) return 0;
    const subscribers = await trx
      .selectFrom("subscriptions")
      .select(["id", "address_hash", "address_sealed"])
      .where("letter_id", "=", current.letter_id)
      .where("status", "=", "active")
      .where("id", ">", current.after_id)
      .where("id", "<=", current.until_id)
      .orderBy("id")
      .limit(batch)
      .execute();
    if (subscribers.length > 0) {
      await trx
        .insertInto("email_outbox")
        .values(
          subscribers.map((s) => ({
            kind: "letter-news",
            priority: PRIORITY.bulk,
            payload: sealPayload(keys.encryption, decrypt(keys.encryption, s.address_sealed, subscriptionAad(s.address_hash)), {
              ...current.props,
              unsubscribeUrl: `${appUrl}/news/unsubscribe/${unsubscribeTokenFor(keys, s.address_hash)}`,
            } satisfies LetterNewsProps),
          })),
        )
        .execute();
    }
    const finished = subscribers.length < batch;
    // The next batch may go once this one has had its second at the configured rate.
    const pause = (subscribers.length / ratePerSecond) * 1000;
    await trx
      .updateTable("fanout_jobs")
      .set({
        after_id: subscribers.at(-1)?.id ?? current.after_id,
        sent: sql`sent + ${subscribers.length}`,
        next_run_at: new Date(Date.now() + pause),
        done_at: finished ? sql<Date>`now()` : null,
      })
      .where("id", "=", current.id)
      .execute();
    return subscribers.length;
  });
}

/** When the next fan-out step is due (ms from now), or null when no job waits. */
export async function nextFanoutInMs(db: DB): Promise<number | null> {
  // No greatest(0, …) in SQL: it ignores NULL, and "no job" would read as "due now".
  const row = await sql<{ ms: number | null }>`
    SELECT (extract(epoch FROM min(next_run_at) - now()) * 1000)::float8 AS ms
      FROM fanout_jobs WHERE done_at IS NULL`.execute(db);
  const ms = row.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}
