import { decrypt, hmac, type Keys } from "../utils/crypto.server";

// An organizer's address, kept only as an HMAC (to find the account) and sealed (to show it to
// co-organizers). Shared by accounts (organizer.server) and teams (membership.server).

export function organizerHash(keys: Keys, email: string): string {
  return hmac(keys.organizerHash, email.trim().toLowerCase());
}

/** A co-organizer's address for display; after a secret rotation it is unreadable, not an error page. */
export function organizerEmail(keys: Keys, sealed: Uint8Array): string {
  try {
    return decrypt(keys.encryption, sealed);
  } catch {
    return "(address unreadable)";
  }
}
