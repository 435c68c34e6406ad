import { randomBytes } from "node:crypto";
import type { DB } from "../../db/connection";
import { createLetter, publishLetter, type DemandInput } from "../../app/models/letter-admin.server";
import type { LetterDraftInput } from "../../app/validation";

export const THREE_DEMANDS: DemandInput[] = [
  { kind: "cancel_contract", text: "Cancel the contract." },
  { kind: "policy", text: "Adopt a human-rights policy." },
  { kind: "transparency", text: "Publish government contracts." },
];

export function draftInput(overrides: Partial<LetterDraftInput> = {}): LetterDraftInput {
  return {
    title: "A letter to leadership",
    addressee: "Dana Example, CEO",
    organization: "Example Corp",
    body: "We, the undersigned, ask for **change**.",
    domains: ["example.com", "example.org"],
    listed: true,
    goal: null,
    revealThreshold: null,
    closesAt: null,
    askJobTitle: true,
    ...overrides,
  };
}

/** An organizer row without going through login (tests of other journeys). */
export async function createOrganizerRow(db: DB): Promise<string> {
  const row = await db
    .insertInto("organizers")
    .values({ email_hash: randomBytes(16).toString("hex"), email_encrypted: randomBytes(32) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createOpenLetter(
  db: DB,
  overrides: Partial<LetterDraftInput> = {},
  demands: DemandInput[] = THREE_DEMANDS,
): Promise<{ id: string; slug: string; organizerId: string }> {
  const organizerId = await createOrganizerRow(db);
  const letter = await createLetter(db, organizerId, draftInput(overrides), demands);
  const published = await publishLetter(db, letter.id);
  if (!published.ok) throw new Error(`publish failed: ${published.reason}`);
  return { ...letter, organizerId };
}
