import type { AppLoadContext } from "@remix-run/node";
import type { Letter } from "../db/schema";
import { notFound } from "./http.server";
import { findOrganizerLetter } from "./models/membership.server";
import { requireOrganizer } from "./session.server";

/** Every organizer page and action starts here: a session, and membership of this letter, or 404. */
export async function requireLetter(
  request: Request,
  context: AppLoadContext,
  letterId: string | undefined,
): Promise<{ organizerId: string; letter: Letter }> {
  const organizerId = await requireOrganizer(request, context);
  const letter = await findOrganizerLetter(context.db, organizerId, letterId ?? "");
  if (!letter) throw notFound();
  return { organizerId, letter };
}
