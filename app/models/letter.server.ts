import type { DB } from "../../db/connection";
import type { DemandKind, Letter, LetterStatus } from "../../db/schema";
import type { TtlCache } from "../ttl-cache.server";
import { countSignatures, signatureGrowth, type GrowthPoint, type LetterCounts } from "./counts.server";

export interface PublicDemand {
  kind: DemandKind;
  text: string;
}

export interface PublicUpdate {
  body: string;
  createdAt: string;
}

export interface PublicLetter {
  id: string;
  slug: string;
  status: Exclude<LetterStatus, "draft">;
  title: string;
  addressee: string;
  organization: string;
  body: string;
  allowedDomains: string[];
  goal: number | null;
  closesAt: string | null;
  revealThreshold: number | null;
  askJobTitle: boolean;
  versionHash: string | null;
  publishedAt: string | null;
  deliveredAt: string | null;
  deliveredTo: string | null;
  responseText: string | null;
  responseAt: string | null;
  updatedAt: string;
  demands: PublicDemand[];
  updates: PublicUpdate[];
}

/** A letter past its closing date is closed, whether or not anyone pressed the button. */
export function effectiveStatus(letter: Pick<Letter, "status" | "closes_at">): LetterStatus {
  if (letter.status === "open" && letter.closes_at && letter.closes_at.getTime() <= Date.now()) return "closed";
  return letter.status;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function loadLetterView(db: DB, letter: Letter): Promise<Omit<PublicLetter, "status"> & { status: LetterStatus }> {
  const [demands, updates] = await Promise.all([
    db.selectFrom("demands").select(["kind", "text"]).where("letter_id", "=", letter.id).orderBy("position").orderBy("id").execute(),
    db
      .selectFrom("letter_updates")
      .select(["body", "created_at"])
      .where("letter_id", "=", letter.id)
      .orderBy("created_at", "desc")
      .execute(),
  ]);
  return {
    id: letter.id,
    slug: letter.slug,
    status: effectiveStatus(letter),
    title: letter.title,
    addressee: letter.addressee,
    organization: letter.organization,
    body: letter.body,
    allowedDomains: letter.allowed_domains,
    goal: letter.goal,
    closesAt: iso(letter.closes_at),
    revealThreshold: letter.reveal_threshold,
    askJobTitle: letter.ask_job_title,
    versionHash: letter.version_hash,
    publishedAt: iso(letter.published_at),
    deliveredAt: iso(letter.delivered_at),
    deliveredTo: letter.delivered_to,
    responseText: letter.response_text,
    responseAt: iso(letter.response_at),
    updatedAt: letter.updated_at.toISOString(),
    demands: demands.map((d) => ({ kind: d.kind, text: d.text })),
    updates: updates.map((u) => ({ body: u.body, createdAt: u.created_at.toISOString() })),
  };
}

/** A published letter by slug; drafts do not exist for the public. */
/** What slugify produces; anything else (a NUL, a 5 KB string) cannot name a letter. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$/;

export async function findPublicLetter(db: DB, slug: string): Promise<PublicLetter | null> {
  if (!SLUG.test(slug)) return null;
  const letter = await db.selectFrom("letters").selectAll().where("slug", "=", slug).where("status", "<>", "draft").executeTakeFirst();
  if (!letter) return null;
  return (await loadLetterView(db, letter)) as PublicLetter;
}

export interface LetterSummary {
  slug: string;
  title: string;
  organization: string;
  status: LetterStatus;
  goal: number | null;
  verified: number;
}

/** Listed letters, open ones first, newest first within each group. */
export async function listPublicLetters(db: DB, cache: TtlCache): Promise<LetterSummary[]> {
  const letters = await db
    .selectFrom("letters")
    .selectAll()
    .where("listed", "=", true)
    .where("status", "<>", "draft")
    .orderBy("published_at", "desc")
    .limit(200)
    .execute();
  const summaries = await Promise.all(
    letters.map(async (l) => ({
      slug: l.slug,
      title: l.title,
      organization: l.organization,
      status: effectiveStatus(l),
      goal: l.goal,
      verified: (await cachedCounts(db, cache, l.id)).verified,
    })),
  );
  return summaries.sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open"));
}

export const cachedPublicLetter = (db: DB, cache: TtlCache, slug: string) =>
  cache.get(`letter:${slug}`, () => findPublicLetter(db, slug));

export const countsKey = (letterId: string) => `counts:${letterId}`;

/**
 * After a change its author should see at once (an organizer's edit, a withdrawal, an invalidation):
 * every cached read of this letter goes. Keys end in ":" before a prefix match, so letter 1 is not 12.
 */
export function invalidateLetter(cache: TtlCache, letter: { id: string; slug: string }) {
  for (const key of [countsKey(letter.id), `growth:${letter.id}`, `letter:${letter.slug}`, "home"]) cache.delete(key);
  for (const prefix of [`page:${letter.id}:`, `signers:${letter.id}:`]) cache.invalidate(prefix);
}

export const cachedCounts = (db: DB, cache: TtlCache, letterId: string): Promise<LetterCounts> =>
  cache.get(countsKey(letterId), () => countSignatures(db, letterId));

export const cachedGrowth = (db: DB, cache: TtlCache, letterId: string, publishedAt: string | null): Promise<GrowthPoint[]> =>
  cache.get(`growth:${letterId}`, () => signatureGrowth(db, letterId, publishedAt ? new Date(publishedAt) : null));
