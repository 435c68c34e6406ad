import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { Visibility } from "../../db/schema";
import { hmac, newTokens, sha256, type Keys } from "../crypto.server";
import { canonicalEmail, splitEmail, type SignatureInput } from "../validation";
import { effectiveStatus } from "./letter.server";
import { enqueueEmail, sealPayload } from "./outbox.server";

export const MAX_MAILS_PER_ADDRESS = 5;
export const CONFIRM_TTL_HOURS = 72;
export const PURGE_UNCONFIRMED_DAYS = 7;

/** Tokens we issue are 43 base64url characters; anything else is rejected before hashing or querying. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** HMAC of letter id + an address already canonicalized (canonicalEmail). */
function signerHash(keys: Keys, letterId: string, canonical: string): string {
  return hmac(keys.signerHash, `${letterId}:${canonical}`);
}

interface SubmitContext {
  db: DB;
  keys: Keys;
  appUrl: string;
}

/**
 * Records a pending signature and its mail in one transaction. The caller answers the same way
 * whatever happened here (new, pending, confirmed, capped): only the mail tells the owner.
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
  const [confirmToken, withdrawToken] = newTokens(2) as [string, string];
  const named = input.visibility === "public";
  const links = {
    verifyUrl: `${appUrl}/verify/${confirmToken}`,
    withdrawUrl: `${appUrl}/withdraw/${withdrawToken}`,
  };
  const fields = {
    domain,
    // A name we never show is a name we do not keep.
    name: named ? input.name : null,
    job_title: named ? input.title : null,
    visibility: input.visibility as Visibility,
    letter_version: letter.versionHash ?? "",
    confirm_token_hash: sha256(confirmToken),
    confirm_expires_at: new Date(Date.now() + CONFIRM_TTL_HOURS * 3_600_000),
    withdraw_token_hash: sha256(withdrawToken),
  };

  // The common case, a new address, is one statement: signature and outbox row commit together.
  const payload = sealPayload(keys.encryption, to, links);
  const fresh = await sql<{ id: string }>`
    WITH s AS (
      INSERT INTO signatures (letter_id, email_hash, domain, name, job_title, visibility, letter_version,
                              confirm_token_hash, confirm_expires_at, withdraw_token_hash, ip_hash)
      VALUES (${letter.id}, ${emailHash}, ${fields.domain}, ${fields.name}, ${fields.job_title}, ${fields.visibility},
              ${fields.letter_version}, ${fields.confirm_token_hash}, ${fields.confirm_expires_at},
              ${fields.withdraw_token_hash}, ${ipHash})
      ON CONFLICT (letter_id, email_hash) DO NOTHING
      RETURNING id)
    INSERT INTO email_outbox (kind, payload) SELECT 'signature-confirm', ${payload} FROM s RETURNING id`.execute(db);
  if (fresh.rows.length > 0) return "sent";

  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("signatures")
      .select(["id", "status", "mails_sent"])
      .where("letter_id", "=", letter.id)
      .where("email_hash", "=", emailHash)
      .forUpdate()
      .executeTakeFirst();
    if (!existing || existing.mails_sent >= MAX_MAILS_PER_ADDRESS || existing.status === "invalidated") {
      return "capped";
    }
    if (existing.status === "confirmed") {
      // Already counted: leave the signature as it is, send a fresh way out.
      await trx
        .updateTable("signatures")
        .set({ withdraw_token_hash: fields.withdraw_token_hash, mails_sent: existing.mails_sent + 1 })
        .where("id", "=", existing.id)
        .execute();
      await enqueueEmail(trx, keys.encryption, "signature-already", to, { withdrawUrl: links.withdrawUrl });
      return "sent";
    }
    // Pending or withdrawn: the latest submission wins and needs a new confirmation.
    await trx
      .updateTable("signatures")
      .set({ ...fields, status: "pending", confirmed_at: null, withdrawn_at: null, mails_sent: existing.mails_sent + 1 })
      .where("id", "=", existing.id)
      .execute();
    await enqueueEmail(trx, keys.encryption, "signature-confirm", to, links);
    return "sent";
  });
}

export interface TokenLookup {
  id: string;
  status: "pending" | "confirmed" | "withdrawn" | "invalidated";
  visibility: Visibility;
  expired: boolean;
  confirmedAt: Date | null;
  /** What will be published, shown to the signer before they confirm: null for anonymous signers. */
  name: string | null;
  jobTitle: string | null;
  letter: { id: string; slug: string; title: string; status: string };
}

async function findByTokenHash(
  db: DB,
  column: "confirm_token_hash" | "withdraw_token_hash",
  token: string,
): Promise<TokenLookup | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .selectFrom("signatures as s")
    .innerJoin("letters as l", "l.id", "s.letter_id")
    .select(["s.id", "s.status", "s.visibility", "s.name", "s.job_title", "s.confirm_expires_at", "s.confirmed_at", "l.id as letter_id", "l.slug", "l.title", "l.status as letter_status", "l.closes_at"])
    .where(`s.${column}`, "=", sha256(token))
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    visibility: row.visibility,
    expired: row.status === "pending" && row.confirm_expires_at.getTime() <= Date.now(),
    confirmedAt: row.confirmed_at,
    name: row.name,
    jobTitle: row.job_title,
    letter: { id: row.letter_id, slug: row.slug, title: row.title, status: effectiveStatus({ status: row.letter_status, closes_at: row.closes_at }) },
  };
}

export const findByConfirmToken = (db: DB, token: string) => findByTokenHash(db, "confirm_token_hash", token);
export const findByWithdrawToken = (db: DB, token: string) => findByTokenHash(db, "withdraw_token_hash", token);

/** Idempotent: only a pending, unexpired signature on an open letter changes; a second POST finds nothing to do. */
export async function confirmSignature(db: DB, token: string): Promise<boolean> {
  if (!TOKEN_PATTERN.test(token)) return false;
  const result = await db
    .updateTable("signatures")
    .set({ status: "confirmed", confirmed_at: new Date() })
    .where("confirm_token_hash", "=", sha256(token))
    .where("status", "=", "pending")
    .where("confirm_expires_at", ">", new Date())
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("letters")
          .select("id")
          .whereRef("letters.id", "=", "signatures.letter_id")
          .where("status", "=", "open")
          // Past its closing date a letter is closed, even if nobody pressed the button.
          .where((w) => w.or([w("closes_at", "is", null), w("closes_at", ">", new Date())])),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The signature stops counting and its name is erased. */
export async function withdrawSignature(db: DB, token: string): Promise<boolean> {
  if (!TOKEN_PATTERN.test(token)) return false;
  const result = await db
    .updateTable("signatures")
    .set({ status: "withdrawn", withdrawn_at: new Date(), name: null, job_title: null })
    .where("withdraw_token_hash", "=", sha256(token))
    .where("status", "in", ["pending", "confirmed"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Retention: an unconfirmed signature is forgotten after a week. */
export async function purgeUnconfirmedSignatures(db: DB, now = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("signatures")
    .where("status", "=", "pending")
    .where("created_at", "<", new Date(now.getTime() - PURGE_UNCONFIRMED_DAYS * 86_400_000))
    // A recent re-submission carries a live link: let it run out first.
    .where("confirm_expires_at", "<", now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
