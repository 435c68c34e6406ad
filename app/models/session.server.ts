import type { DB } from "../../db/connection";
import type { Letter } from "../../db/schema";
import { newToken, sha256 } from "../utils/crypto.server";

export const SESSION_DAYS = 30;

/** A database session: revocable, and the cookie holds only a random token whose hash is stored. */
export async function createSession(db: DB, organizerId: string): Promise<string> {
  const token = newToken();
  await db
    .insertInto("sessions")
    .values({ id_hash: sha256(token), organizer_id: organizerId, expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000) })
    .execute();
  return token;
}

export async function findSessionOrganizer(db: DB, token: string): Promise<string | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("organizers", "organizers.id", "sessions.organizer_id")
    .select("sessions.organizer_id")
    .where("sessions.id_hash", "=", sha256(token))
    .where("sessions.expires_at", ">", new Date())
    // A suspended account's sessions end with the suspension.
    .where("organizers.suspended_at", "is", null)
    .executeTakeFirst();
  return row?.organizer_id ?? null;
}

/**
 * An organizer page's one lookup: the session's organizer and, if they organize it, the letter, in
 * one statement (a dashboard view used to take two round trips before any work). null: no valid
 * session; `letter: null`: signed in, but not an organizer of that letter (or no such letter).
 */
export async function findSessionLetter(db: DB, token: string, letterId: string): Promise<{ organizerId: string; letter: Letter | null } | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("organizers", "organizers.id", "sessions.organizer_id")
    .leftJoin("letter_organizers as lo", (join) => join.onRef("lo.organizer_id", "=", "sessions.organizer_id").on("lo.letter_id", "=", letterId))
    .leftJoin("letters", "letters.id", "lo.letter_id")
    .selectAll("letters")
    .select("sessions.organizer_id as session_organizer_id")
    .where("sessions.id_hash", "=", sha256(token))
    .where("sessions.expires_at", ">", new Date())
    .where("organizers.suspended_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const { session_organizer_id: organizerId, ...letter } = row;
  return { organizerId, letter: letter.id === null ? null : (letter as Letter) };
}

export async function deleteSession(db: DB, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", sha256(token)).execute();
}
