import type { DB } from "../../db/connection";

/** Abuse signals look back about an hour; the network a signature came from is forgotten after two. */
export const IP_HASH_HOURS = 2;

/**
 * What we no longer need, we no longer keep: IP hashes of old signatures, used or expired login
 * tokens (with their sealed addresses), expired sessions and spent rate-limit counters.
 */
export async function forgetExpired(db: DB, now = new Date()): Promise<void> {
  await db
    .updateTable("signatures")
    .set({ ip_hash: null })
    .where("ip_hash", "is not", null)
    .where("created_at", "<", new Date(now.getTime() - IP_HASH_HOURS * 3_600_000))
    .execute();
  await db.deleteFrom("login_tokens").where("expires_at", "<", now).execute();
  await db.deleteFrom("sessions").where("expires_at", "<", now).execute();
  // A window that ended a whole window ago no longer counts (the longest window is a day).
  await db.deleteFrom("rate_limit_counts").where("window_end", "<", new Date(now.getTime() - 86_400_000)).execute();
}
