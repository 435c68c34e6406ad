import { organizerNameAad } from "./membership.server";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { subscriptionAad } from "./subscription.server";
import { decrypt, encrypt, keyIdOf, type Keys } from "../utils/crypto.server";

/** Every sealed column: its table, primary key, and the associated data it was sealed with. */
const SEALED = [
  { table: "email_outbox", key: "id", column: "payload", aad: null },
  { table: "confirm_links", key: "token_hash", column: "submission", aad: (key: string) => `confirm-link:${key}` },
  { table: "organizers", key: "id", column: "email_encrypted", aad: null },
  { table: "organizers", key: "id", column: "display_name_sealed", aad: organizerNameAad },
  { table: "letter_invites", key: "email_hash", column: "email_encrypted", aad: null },
  { table: "login_tokens", key: "token_hash", column: "email_encrypted", aad: null },
  { table: "subscriptions", key: "address_hash", column: "address_sealed", aad: subscriptionAad },
] as const;

export interface ReencryptReport {
  /** Re-sealed under the current key, by table. */
  reencrypted: Record<string, number>;
  /** Under a key no longer configured: left as they are (pending mail among them cannot be sent). */
  unreadable: number;
}

/**
 * Re-seals what is still under an older encryption key with the current one, a batch per table per
 * run (the worker's hourly maintenance). Once a run finds nothing left, the older key can go.
 * Each row is updated only if it still holds the value that was read (a concurrent change wins).
 */
export async function reencryptStale(db: DB, keys: Keys, batch = 500): Promise<ReencryptReport> {
  const report: ReencryptReport = { reencrypted: {}, unreadable: 0 };
  const current = keys.encryption.current.id;
  for (const { table, key, column, aad } of SEALED) {
    const rows = await sql<{ k: string; v: Buffer }>`
      SELECT ${sql.ref(key)}::text AS k, ${sql.ref(column)} AS v FROM ${sql.table(table)}
       WHERE ${sql.ref(column)} IS NOT NULL
         AND (substring(${sql.ref(column)} from 1 for 3) <> '\\x555331'::bytea OR get_byte(${sql.ref(column)}, 3) <> ${current})
       LIMIT ${batch}`.execute(db);
    let done = 0;
    for (const row of rows.rows) {
      if (keyIdOf(row.v) === current) continue;
      let plain: string;
      try {
        plain = decrypt(keys.encryption, row.v, aad ? aad(row.k) : undefined);
      } catch {
        report.unreadable++;
        continue;
      }
      const sealed = encrypt(keys.encryption, plain, aad ? aad(row.k) : undefined);
      const result = await sql`
        UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${sealed}
         WHERE ${sql.ref(key)}::text = ${row.k} AND ${sql.ref(column)} = ${row.v}`.execute(db);
      done += Number(result.numAffectedRows ?? 0);
    }
    report.reencrypted[table] = done;
  }
  return report;
}
