import type { DB } from "../../db/connection";
import type { Letter } from "../../db/schema";
import { encrypt, type Keys } from "../crypto.server";
import { organizerEmail, organizerHash } from "./organizer.server";
import { enqueueEmail } from "./outbox.server";

/** The letter, only if this organizer organizes it. Callers answer 404 otherwise: no hint it exists. */
export async function findOrganizerLetter(db: DB, organizerId: string, letterId: string): Promise<Letter | null> {
  if (!/^\d{1,18}$/.test(letterId)) return null;
  const letter = await db
    .selectFrom("letters")
    .innerJoin("letter_organizers as lo", "lo.letter_id", "letters.id")
    .selectAll("letters")
    .where("letters.id", "=", letterId)
    .where("lo.organizer_id", "=", organizerId)
    .executeTakeFirst();
  return letter ?? null;
}

export async function listOrganizerLetters(db: DB, organizerId: string): Promise<Letter[]> {
  return db
    .selectFrom("letters")
    .innerJoin("letter_organizers as lo", "lo.letter_id", "letters.id")
    .selectAll("letters")
    .where("lo.organizer_id", "=", organizerId)
    .orderBy("letters.created_at", "desc")
    .execute();
}

export interface OrganizerListing {
  organizers: { id: string; email: string }[];
  invited: string[];
}

/** Co-organizers see each other's addresses (decrypted here), never a signer's. */
export async function listLetterOrganizers(db: DB, keys: Keys, letterId: string): Promise<OrganizerListing> {
  const [members, invites] = await Promise.all([
    db
      .selectFrom("letter_organizers as lo")
      .innerJoin("organizers as o", "o.id", "lo.organizer_id")
      .select(["o.id", "o.email_encrypted"])
      .where("lo.letter_id", "=", letterId)
      .orderBy("lo.added_at")
      .execute(),
    db.selectFrom("letter_invites").select("email_encrypted").where("letter_id", "=", letterId).orderBy("created_at").execute(),
  ]);
  return {
    organizers: members.map((m) => ({ id: m.id, email: organizerEmail(keys, m.email_encrypted) })),
    invited: invites.map((i) => organizerEmail(keys, i.email_encrypted)),
  };
}

/** An existing account joins at once; a new address joins at its first login. Either way, a mail says so. */
export async function inviteOrganizer(db: DB, keys: Keys, appUrl: string, letterId: string, invitedBy: string, email: string) {
  const address = email.trim();
  const emailHash = organizerHash(keys, address);
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("organizers").select("id").where("email_hash", "=", emailHash).executeTakeFirst();
    if (existing) {
      await trx
        .insertInto("letter_organizers")
        .values({ letter_id: letterId, organizer_id: existing.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    } else {
      await trx
        .insertInto("letter_invites")
        .values({ letter_id: letterId, email_hash: emailHash, email_encrypted: encrypt(keys.encryption, address.toLowerCase()), invited_by: invitedBy })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await enqueueEmail(trx, keys.encryption, "organizer-invite", address, { loginUrl: `${appUrl}/login` });
  });
}

/** Any organizer may remove another, but a letter always keeps at least one. */
export async function removeOrganizer(db: DB, letterId: string, organizerId: string): Promise<"removed" | "last" | "absent"> {
  return db.transaction().execute(async (trx) => {
    const members = await trx
      .selectFrom("letter_organizers")
      .select("organizer_id")
      .where("letter_id", "=", letterId)
      .forUpdate()
      .execute();
    if (!members.some((m) => m.organizer_id === organizerId)) return "absent";
    if (members.length <= 1) return "last";
    await trx.deleteFrom("letter_organizers").where("letter_id", "=", letterId).where("organizer_id", "=", organizerId).execute();
    return "removed";
  });
}
