import type { DB } from "../../db/connection";
import { decrypt, encrypt, hmac, newToken, sha256, type Keys } from "../utils/crypto.server";
import { acceptInvites } from "./membership.server";
import { organizerHash } from "./organizer-address.server";
import { enqueueEmail } from "../mail/outbox.server";
import { TOKEN_PATTERN } from "./signature.server";

export const LOGIN_TTL_MINUTES = 15;

/**
 * Issues a single-use login token and its mail in one transaction. Whether or not the address has
 * an account changes nothing here: the first login creates it.
 */
export async function requestLogin(db: DB, keys: Keys, appUrl: string, email: string): Promise<void> {
  const token = newToken();
  const address = email.trim();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("login_tokens")
      .values({
        token_hash: sha256(token),
        email_hash: organizerHash(keys, address),
        email_encrypted: encrypt(keys.encryption, address.toLowerCase()),
        expires_at: new Date(Date.now() + LOGIN_TTL_MINUTES * 60_000),
      })
      .execute();
    await enqueueEmail(trx, keys.encryption, "login-link", address, { loginUrl: `${appUrl}/login/${token}` });
  });
}

export type LoginTokenState = "usable" | "used" | "expired" | "unknown";

/** Looks only: a mail scanner opening the link must leave the token usable. */
export async function loginTokenState(db: DB, token: string): Promise<LoginTokenState> {
  if (!TOKEN_PATTERN.test(token)) return "unknown";
  const row = await db.selectFrom("login_tokens").select(["used_at", "expires_at"]).where("token_hash", "=", sha256(token)).executeTakeFirst();
  if (!row) return "unknown";
  if (row.used_at) return "used";
  if (row.expires_at.getTime() <= Date.now()) return "expired";
  return "usable";
}

/**
 * Uses the token up (exactly once, even under concurrent POSTs) and returns the organizer, creating
 * the account on first login and turning pending co-organizer invites into memberships.
 */
export async function consumeLoginToken(db: DB, token: string): Promise<string | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("login_tokens")
      .select(["email_hash", "email_encrypted"])
      .where("token_hash", "=", sha256(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", new Date())
      .forUpdate()
      .executeTakeFirst();
    if (!row) return null;
    // Used once; the sealed address is no longer needed once the account exists.
    await trx.updateTable("login_tokens").set({ used_at: new Date(), email_encrypted: null }).where("token_hash", "=", sha256(token)).execute();
    // An upsert: two first logins for one address at once end in one account, not an error.
    const organizer = await trx
      .insertInto("organizers")
      .values({ email_hash: row.email_hash, email_encrypted: row.email_encrypted ?? Buffer.alloc(0) })
      .onConflict((oc) => oc.column("email_hash").doUpdateSet({ email_hash: row.email_hash }))
      .returning(["id", "suspended_at"])
      .executeTakeFirstOrThrow();
    // A suspended account signs in no more (the token is spent all the same).
    if (organizer.suspended_at !== null) return null;
    await acceptInvites(trx, organizer.id);
    return organizer.id;
  });
}

