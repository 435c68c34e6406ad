import { randomBytes } from "node:crypto";
import type { DB } from "../../db/connection";
import { deriveKeys, encrypt, sha256 } from "../../app/utils/crypto.server";
import { TEST_SECRETS } from "./app";
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
    organizerName: "",
    contactEmail: null,
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
  // Sealed as the app seals it (with the test secret), so key rotation and listings can open it.
  const address = `fixture.${randomBytes(4).toString("hex")}@organizers.test`;
  const row = await db
    .insertInto("organizers")
    .values({ email_hash: randomBytes(16).toString("hex"), email_encrypted: encrypt(deriveKeys(TEST_SECRETS.EMAIL_HASH_SECRET).encryption, address) })
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
  return { id: letter.id, slug: published.slug, organizerId };
}

export interface SignatureSeed {
  domain?: string;
  visibility?: "public" | "anonymous";
  name?: string | null;
  jobTitle?: string | null;
  status?: "pending" | "confirmed" | "withdrawn";
  confirmedAt?: Date;
  /** The confirm token whose SHA-256 is stored: lets a test POST /verify/:token itself. */
  confirmToken?: string;
  withdrawToken?: string;
  ipHash?: string;
  createdAt?: Date;
}

/** Inserts signatures directly, for tests about what pages show rather than how people sign. */
export async function insertSignatures(db: DB, letterId: string, seeds: SignatureSeed[]): Promise<string[]> {
  const rows = seeds.map((s, i) => {
    const status = s.status ?? "confirmed";
    const visibility = status === "confirmed" ? (s.visibility ?? "public") : null;
    return {
      letter_id: letterId,
      email_hash: randomBytes(32).toString("hex"),
      domain: s.domain ?? "example.com",
      name: visibility === "public" ? (s.name ?? `Signer ${i}`) : null,
      job_title: visibility === "public" ? (s.jobTitle ?? null) : null,
      visibility,
      letter_version: "seed",
      status,
      withdraw_token_hash: sha256(s.withdrawToken ?? randomBytes(32).toString("hex")),
      confirmed_at: status === "confirmed" ? (s.confirmedAt ?? new Date()) : null,
      ip_hash: s.ipHash ?? null,
      created_at: s.createdAt ?? new Date(),
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db.insertInto("signatures").values(rows.slice(i, i + 500)).returning("id").execute();
    ids.push(...inserted.map((r) => r.id));
  }
  const links = seeds.flatMap((s, i) =>
    s.confirmToken
      ? [{ token_hash: sha256(s.confirmToken), signature_id: ids[i]!, letter_id: letterId, expires_at: new Date(Date.now() + 72 * 3_600_000), used: (s.status ?? "confirmed") !== "pending" }]
      : [],
  );
  if (links.length > 0) await db.insertInto("confirm_links").values(links).execute();
  return ids;
}
