import type { DB } from "../../db/connection";
import type { Letter } from "../../db/schema";
import { decrypt, encrypt, type Keys } from "../utils/crypto.server";
import { organizerEmail, organizerHash } from "./organizer-address.server";
import { enqueueEmail } from "../mail/outbox.server";

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

/**
 * Records an invitation and mails it. Whether the address already has an account makes no
 * difference here (the inviter learns nothing about it): the invitee joins when they next sign in.
 */
export async function inviteOrganizer(db: DB, keys: Keys, appUrl: string, letterId: string, invitedBy: string, email: string, inviterName: string) {
  const address = email.trim();
  await db.transaction().execute(async (trx) => {
    // Remembered (sealed) for the next invitation this organizer sends.
    await trx
      .updateTable("organizers")
      .set({ display_name_sealed: encrypt(keys.encryption, inviterName, organizerNameAad(invitedBy)) })
      .where("id", "=", invitedBy)
      .execute();
    // The team sees who changed the team (the invitee's address stays out of the log).
    await trx.insertInto("audit_log").values({ letter_id: letterId, organizer_id: invitedBy, action: "invite-organizer", detail: "{}" }).execute();
    await trx
      .insertInto("letter_invites")
      .values({
        letter_id: letterId,
        email_hash: organizerHash(keys, address),
        email_encrypted: encrypt(keys.encryption, address.toLowerCase()),
        invited_by: invitedBy,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await enqueueEmail(trx, keys.encryption, "organizer-invite", address, { loginUrl: `${appUrl}/login`, inviterName });
  });
}

/** The associated data that binds an organizer's sealed name to their account. */
export const organizerNameAad = (organizerId: string) => `organizer-name:${organizerId}`;

/** The name this organizer gave in their last invitation ("" before the first). */
export async function organizerDisplayName(db: DB, keys: Keys, organizerId: string): Promise<string> {
  const row = await db.selectFrom("organizers").select("display_name_sealed").where("id", "=", organizerId).executeTakeFirst();
  return row?.display_name_sealed ? decrypt(keys.encryption, row.display_name_sealed, organizerNameAad(organizerId)) : "";
}

/** Turns this organizer's pending invitations into memberships (at login, and on the dashboard). */
export async function acceptInvites(db: DB, organizerId: string): Promise<void> {
  const organizer = await db.selectFrom("organizers").select("email_hash").where("id", "=", organizerId).executeTakeFirst();
  if (!organizer) return;
  const invites = await db.deleteFrom("letter_invites").where("email_hash", "=", organizer.email_hash).returning("letter_id").execute();
  if (invites.length === 0) return;
  await db
    .insertInto("letter_organizers")
    .values(invites.map((i) => ({ letter_id: i.letter_id, organizer_id: organizerId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Any organizer may remove another, but a letter always keeps at least one, and every removal is in
 * the audit log the remaining team reads.
 */
export async function removeOrganizer(db: DB, letterId: string, organizerId: string, by: string): Promise<"removed" | "last" | "absent"> {
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
    await trx
      .insertInto("audit_log")
      .values({ letter_id: letterId, organizer_id: by, action: organizerId === by ? "leave-letter" : "remove-organizer", detail: "{}" })
      .execute();
    return "removed";
  });
}

export interface NotificationPrefs {
  notifyMilestones: boolean;
  notifyDigest: boolean;
}

/** This organizer's mail switches for this letter (each organizer chooses their own). */
export async function notificationPrefs(db: DB, letterId: string, organizerId: string): Promise<NotificationPrefs> {
  const row = await db
    .selectFrom("letter_organizers")
    .select(["notify_milestones", "notify_digest"])
    .where("letter_id", "=", letterId)
    .where("organizer_id", "=", organizerId)
    .executeTakeFirst();
  return { notifyMilestones: row?.notify_milestones ?? false, notifyDigest: row?.notify_digest ?? false };
}

export async function setNotificationPrefs(db: DB, letterId: string, organizerId: string, prefs: NotificationPrefs): Promise<void> {
  await db
    .updateTable("letter_organizers")
    .set({ notify_milestones: prefs.notifyMilestones, notify_digest: prefs.notifyDigest })
    .where("letter_id", "=", letterId)
    .where("organizer_id", "=", organizerId)
    .execute();
}
