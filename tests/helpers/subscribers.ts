import { randomBytes } from "node:crypto";
import type { DB } from "../../db/connection";
import { subscriptionAad, unsubscribeTokenFor } from "../../app/models/subscription.server";
import { deriveKeys, encrypt, hmac, sha256 } from "../../app/utils/crypto.server";
import { TEST_SECRETS } from "./app";

/**
 * Subscriptions sealed exactly as the app seals them (with the test secret), straight into the table:
 * for tests of fan-out and retention rather than of the opt-in journey. Returns their addresses.
 */
export async function seedSubscribers(
  db: DB,
  letterId: string,
  count: number,
  { status = "active", createdAt = new Date() }: { status?: "active" | "pending"; createdAt?: Date } = {},
): Promise<string[]> {
  const keys = deriveKeys(TEST_SECRETS.EMAIL_HASH_SECRET);
  const addresses = Array.from({ length: count }, (_, i) => `reader${i}.${randomBytes(4).toString("hex")}@home.test`);
  const rows = addresses.map((address) => {
    const hash = hmac(keys.subscriberHash, `${letterId}:${address}`);
    return {
      letter_id: letterId,
      address_hash: hash,
      address_sealed: encrypt(keys.encryption, address, subscriptionAad(hash)),
      status,
      confirm_token_hash: status === "pending" ? sha256(randomBytes(32).toString("base64url")) : null,
      unsubscribe_token_hash: sha256(unsubscribeTokenFor(keys, hash)),
      created_at: createdAt,
      confirmed_at: status === "active" ? createdAt : null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insertInto("subscriptions").values(rows.slice(i, i + 500)).execute();
  return addresses;
}
