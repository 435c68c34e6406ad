import { createHmac } from "node:crypto";
import { sql, type ExpressionBuilder } from "kysely";
import type { DB } from "../../db/connection";
import type { Database } from "../../db/schema";
import { eraseSubscriptionOfSignature } from "./subscription.server";
import { decrypt, encrypt, hmac, newToken, sha256, type Keys } from "../utils/crypto.server";
import { canonicalEmail, splitEmail, type SignatureInput, type SignerChoice } from "../validation";
import { effectiveStatus } from "./letter.server";
import { sealPayload } from "../mail/outbox.server";

/** Confirmation mails per address per letter in any 24 hours: enough to fix a typo, too few to mail-bomb anyone. */
export const MAX_MAILS_PER_WINDOW = 3;
export const MAIL_WINDOW_HOURS = 24;
export const CONFIRM_TTL_HOURS = 72;
export const PURGE_UNCONFIRMED_DAYS = 7;
/** A used or expired confirmation link still leads to its letter (and nothing else) for a week. */
export const KEEP_SPENT_LINKS_DAYS = 7;

/** Tokens we issue are 43 base64url characters; anything else is rejected before hashing or querying. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** HMAC of letter id + an address already canonicalized (canonicalEmail). */
function signerHash(keys: Keys, letterId: string, canonical: string): string {
  return hmac(keys.signerHash, `${letterId}:${canonical}`);
}

/**
 * Each signature's one withdraw token, derived from its fingerprint: every mail about the signature
 * carries the same link, so a link once mailed keeps working for the life of the signature.
 */
export function withdrawTokenFor(keys: Keys, emailHash: string): string {
  return createHmac("sha256", keys.withdraw).update(`withdraw:${emailHash}`).digest("base64url");
}

/** What was submitted with one request, sealed into that request's confirmation link. */
export type Submission = Pick<SignerChoice, "name" | "title" | "visibility">;

const submissionAad = (tokenHash: string) => `confirm-link:${tokenHash}`;

export function sealSubmission(keys: Keys, tokenHash: string, submission: Submission): Buffer {
  return encrypt(keys.encryption, JSON.stringify(submission), submissionAad(tokenHash));
}

function openSubmission(keys: Keys, tokenHash: string, sealed: Uint8Array | null): Submission | null {
  if (!sealed) return null;
  try {
    return JSON.parse(decrypt(keys.encryption, sealed, submissionAad(tokenHash)));
  } catch {
    return null; // sealed under a key since rotated away: the page simply starts empty
  }
}

interface SubmitContext {
  db: DB;
  keys: Keys;
  appUrl: string;
}

/**
 * Records a pending signature (no name: what was typed waits sealed in the mailed link) and its
 * mail. The caller answers the same way whatever happened here (new, pending, confirmed, capped):
 * only the mail tells the owner of the address. So that the time to answer does not tell either,
 * every case is the same single statement (one round trip, the same sealing work beforehand): an
 * upsert of the signature, then a link and a mail chosen from what the upsert returned.
 */
export async function submitSignature(
  { db, keys, appUrl }: SubmitContext,
  letter: { id: string; versionHash: string | null },
  input: SignatureInput,
  ipHash: string | null,
): Promise<"sent" | "capped"> {
  const to = input.email.trim();
  const canonical = canonicalEmail(to);
  const [, domain] = splitEmail(canonical);
  const emailHash = signerHash(keys, letter.id, canonical);
  const confirmToken = newToken();
  const withdrawToken = withdrawTokenFor(keys, emailHash);
  const linkHash = sha256(confirmToken);
  const submission = sealSubmission(keys, linkHash, { name: input.name, title: input.title, visibility: input.visibility });
  const links = {
    verifyUrl: `${appUrl}/verify/${confirmToken}`,
    withdrawUrl: `${appUrl}/withdraw/${withdrawToken}`,
  };
  // Both possible mails are sealed whichever is sent: the work before the statement does not depend
  // on the address either.
  const confirmMail = sealPayload(keys.encryption, to, links);
  const alreadyMail = sealPayload(keys.encryption, to, { withdrawUrl: links.withdrawUrl });
  const expiresAt = sql<Date>`date_trunc('hour', now() + make_interval(hours => ${CONFIRM_TTL_HOURS + 1}), 'UTC')`;
  // The mail window's start is a whole hour (rounded down), so a window of 24 hours ends 25 hours after it.
  const windowOver = sql<boolean>`signatures.mail_window_start <= now() - make_interval(hours => ${MAIL_WINDOW_HOURS + 1})`;

  // A known address (the conflict) counts one more mail in its window, unless the window is full:
  // then the update does not happen, nothing is returned, and nothing is sent. A confirmed signature
  // stays as it is and its owner is reminded how to withdraw (the same link as ever); a pending,
  // withdrawn or invalidated one (a real colleague caught in a bulk invalidation may sign again,
  // through their inbox like anyone) gets one more link carrying this submission, earlier unused
  // links staying valid. Rows from before derived withdraw tokens learn theirs now (their first link
  // keeps working too).
  const result = await sql<{ id: string }>`
    WITH s AS (
      INSERT INTO signatures AS signatures (letter_id, email_hash, domain, letter_version, withdraw_token_hash, ip_hash)
      VALUES (${letter.id}, ${emailHash}, ${domain}, ${letter.versionHash ?? ""}, ${sha256(withdrawToken)}, ${ipHash})
      ON CONFLICT (letter_id, email_hash) DO UPDATE SET
        mails_in_window = CASE WHEN ${windowOver} THEN 1 ELSE signatures.mails_in_window + 1 END,
        mail_window_start = CASE WHEN ${windowOver} THEN date_trunc('hour', now(), 'UTC') ELSE signatures.mail_window_start END,
        withdraw_token_hash = coalesce(signatures.withdraw_token_hash, EXCLUDED.withdraw_token_hash),
        status = CASE WHEN signatures.status = 'confirmed' THEN 'confirmed' ELSE 'pending' END,
        confirmed_at = CASE WHEN signatures.status = 'confirmed' THEN signatures.confirmed_at END,
        withdrawn_at = CASE WHEN signatures.status = 'confirmed' THEN signatures.withdrawn_at END
      WHERE ${windowOver} OR signatures.mails_in_window < ${MAX_MAILS_PER_WINDOW}
      RETURNING id, status),
    c AS (
      INSERT INTO confirm_links (token_hash, signature_id, letter_id, submission, expires_at)
      SELECT ${linkHash}, id, ${letter.id}, ${submission}, ${expiresAt} FROM s WHERE s.status = 'pending')
    INSERT INTO email_outbox (kind, payload)
    SELECT CASE WHEN s.status = 'confirmed' THEN 'signature-already' ELSE 'signature-confirm' END,
           CASE WHEN s.status = 'confirmed' THEN ${alreadyMail}::bytea ELSE ${confirmMail}::bytea END
      FROM s RETURNING id`.execute(db);
  return result.rows.length > 0 ? "sent" : "capped";
}

export interface LinkLetter {
  id: string;
  slug: string;
  title: string;
  /** Effective: past its closing date a letter is closed. */
  status: string;
  revealThreshold: number | null;
  askJobTitle: boolean;
}

export type ConfirmLink =
  /** Pending, unexpired, letter open: the page offers the form, prefilled with this link's submission. */
  | { state: "usable"; letter: LinkLetter; submission: Submission | null }
  /**
   * Done its job, expired, superseded by the owner's own choice, its signature purged, or its letter
   * closed: nothing about it is shown (beyond the letter having closed, which is public).
   */
  | { state: "spent"; letter: LinkLetter; signatureId: string | null; closed: boolean };

export async function findConfirmLink(db: DB, keys: Keys, token: string): Promise<ConfirmLink | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const tokenHash = sha256(token);
  const row = await db
    .selectFrom("confirm_links as c")
    .leftJoin("signatures as s", "s.id", "c.signature_id")
    .innerJoin("letters as l", "l.id", "c.letter_id")
    .select([
      "c.used", "c.expires_at", "c.submission", "s.id as signature_id", "s.status",
      "l.id as letter_id", "l.slug", "l.title", "l.status as letter_status", "l.closes_at", "l.taken_down_at", "l.reveal_threshold", "l.ask_job_title",
    ])
    .where("c.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const letter: LinkLetter = {
    id: row.letter_id,
    slug: row.slug,
    title: row.title,
    status: effectiveStatus({ status: row.letter_status, closes_at: row.closes_at, taken_down_at: row.taken_down_at }),
    revealThreshold: row.reveal_threshold,
    askJobTitle: row.ask_job_title,
  };
  const live = row.signature_id !== null && !row.used && row.status === "pending" && row.expires_at.getTime() > Date.now();
  if (!live) return { state: "spent", letter, signatureId: row.signature_id, closed: letter.status !== "open" };
  // Every link of a closed letter reads the same, used or not: which ones were pending is nobody's business.
  if (letter.status !== "open") return { state: "spent", letter, signatureId: row.signature_id, closed: true };
  return { state: "usable", letter, submission: openSubmission(keys, tokenHash, row.submission) };
}

/**
 * Publishes what the address owner chose on the confirmation page. Only a live link of a pending
 * signature on an open letter does anything; every link of the signature is spent with it, and its
 * sealed submission erased. A name is written only for a named signature.
 */
export async function confirmSignature(db: DB, token: string, choice: SignerChoice): Promise<{ signatureId: string; letterId: string } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return db.transaction().execute(async (trx) => {
    const confirmed = await confirmStatement(sha256(token), choice).execute(trx);
    const row = confirmed.rows[0];
    if (!row) return null;
    await spendLinks(trx, row.id);
    return { signatureId: row.id, letterId: row.letter_id };
  });
}

/**
 * The confirmation itself, found from the link's token. `(s.status || '')` is deliberate: a plain
 * `s.status = 'pending'` matches the partial index of pending signatures, and when the statistics
 * were gathered in a quiet hour (few pending rows) the planner drives the update from that index,
 * visiting every pending signature of a burst for each confirmation (20,000 pending: ~10 ms of
 * CPU per confirm). The expression leaves one plan: the token's link, then the signature by id.
 */
export function confirmStatement(tokenHash: string, choice: SignerChoice) {
  const named = choice.visibility === "public";
  return sql<{ id: string; letter_id: string }>`
      UPDATE signatures s
         SET status = 'confirmed', confirmed_at = date_trunc('hour', now(), 'UTC'), visibility = ${choice.visibility},
             name = ${named ? choice.name : null}, job_title = ${named ? choice.title : null},
             letter_version = coalesce(l.version_hash, s.letter_version)
        FROM confirm_links c, letters l
       WHERE c.token_hash = ${tokenHash} AND c.signature_id = s.id AND NOT c.used AND c.expires_at > now()
         AND (s.status || '') = 'pending'
         AND l.id = s.letter_id AND l.status = 'open' AND (l.closes_at IS NULL OR l.closes_at > now())
         AND l.taken_down_at IS NULL
      RETURNING s.id, s.letter_id`;
}

/** Every confirmation link of a signature stops working, and its sealed submission goes. */
async function spendLinks(db: DB, signatureId: string): Promise<void> {
  await db.updateTable("confirm_links").set({ used: true, submission: null }).where("signature_id", "=", signatureId).execute();
}

const withdrawMatch = (tokenHash: string) => (eb: ExpressionBuilder<Database, "signatures">) =>
  eb.or([eb("withdraw_token_hash", "=", tokenHash), eb("legacy_withdraw_token_hash", "=", tokenHash)]);

/** The signature stops counting; its name, choice and every confirmation link go with it. */
export async function withdrawSignature(db: DB, token: string): Promise<{ signatureId: string; letter: { id: string; slug: string } } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("signatures")
      .set({ status: "withdrawn", withdrawn_at: sql<Date>`date_trunc('hour', now(), 'UTC')`, name: null, job_title: null, visibility: null })
      .where(withdrawMatch(sha256(token)))
      .where("status", "in", ["pending", "confirmed"])
      .returning(["id", "letter_id"])
      .executeTakeFirst();
    if (!row) return null;
    await spendLinks(trx, row.id);
    await eraseSubscriptionOfSignature(trx, row.id);
    const letter = await trx.selectFrom("letters").select(["id", "slug"]).where("id", "=", row.letter_id).executeTakeFirstOrThrow();
    return { signatureId: row.id, letter };
  });
}

/**
 * Retention: an unconfirmed signature is forgotten after a week (once its last link has run out),
 * and spent links a week after they expire.
 */
export async function purgeUnconfirmedSignatures(db: DB, now = new Date()): Promise<number> {
  const weekAgo = new Date(now.getTime() - PURGE_UNCONFIRMED_DAYS * 86_400_000);
  const result = await db
    .deleteFrom("signatures")
    .where("id", "in", (eb) =>
      eb
        .selectFrom("signatures")
        .select("id")
        .where("status", "=", "pending")
        .where("created_at", "<", weekAgo)
        // A recent re-submission carries a live link: let it run out first.
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom("confirm_links").select("token_hash").whereRef("confirm_links.signature_id", "=", "signatures.id").where("expires_at", ">", now))),
        )
        // A row a submission holds right now is left for the next run.
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst();
  await db
    .deleteFrom("confirm_links")
    .where("expires_at", "<", new Date(now.getTime() - KEEP_SPENT_LINKS_DAYS * 86_400_000))
    .execute();
  return Number(result.numDeletedRows);
}

/** A confirmed signature's public choice, for the page its signer sees right after confirming. */
export async function confirmedResult(db: DB, signatureId: string): Promise<{ visibility: "public" | "anonymous" } | null> {
  const row = await db.selectFrom("signatures").select(["status", "visibility"]).where("id", "=", signatureId).executeTakeFirst();
  return row?.status === "confirmed" && row.visibility ? { visibility: row.visibility } : null;
}
