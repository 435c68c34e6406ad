import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import type { DemandKind, LetterVersionContent } from "../../db/schema";
import type { LetterDraftInput } from "../validation";
import { queueNews } from "./subscription.server";

export interface DemandInput {
  kind: DemandKind;
  text: string;
}

const RESERVED_SLUGS = new Set(["new"]);
const DRAFT_PREFIX = "draft-";

/** Readable slugs from the title (`cancel-the-contract`). */
export function slugify(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return base || "letter";
}

/** 12 characters of [a-z0-9] from the CSPRNG: about 62 bits, not something anyone guesses. */
export function randomSuffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every character equally likely.
  let out = "";
  while (out.length < 12) for (const byte of randomBytes(16)) if (byte < 252 && out.length < 12) out += alphabet[byte % 36];
  return out;
}

/**
 * A draft's slug claims nothing: it is random, and drafts are not public. The public slug is chosen
 * at publishing, when a clash can only be with a letter the public can already see.
 */
const draftSlug = () => `${DRAFT_PREFIX}${randomSuffix()}`;

const draftColumns = (input: LetterDraftInput) => ({
  title: input.title,
  addressee: input.addressee,
  organization: input.organization,
  organizer_name: input.organizerName,
  contact_email: input.contactEmail,
  body: input.body,
  allowed_domains: sql<string[]>`${input.domains}::text[]`,
  listed: input.listed,
  goal: input.goal,
  reveal_threshold: input.revealThreshold,
  closes_at: input.closesAt,
  ask_job_title: input.askJobTitle,
});

export async function createLetter(db: DB, organizerId: string, input: LetterDraftInput, demands: DemandInput[]) {
  return db.transaction().execute(async (trx) => {
    const letter = await trx
      .insertInto("letters")
      .values({ slug: draftSlug(), ...draftColumns(input) })
      .returning(["id", "slug"])
      .executeTakeFirstOrThrow();
    await trx.insertInto("letter_organizers").values({ letter_id: letter.id, organizer_id: organizerId }).execute();
    await replaceDemands(trx, letter.id, demands);
    return letter;
  });
}

/** Drafts only: the WHERE clause is what makes published text impossible to change. */
export async function updateDraft(db: DB, letterId: string, input: LetterDraftInput, demands: DemandInput[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("letters")
      .set({ ...draftColumns(input), updated_at: new Date() })
      .where("id", "=", letterId)
      .where("status", "=", "draft")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await replaceDemands(trx, letterId, demands);
    return true;
  });
}

/**
 * After publishing, only what does not touch the frozen text may change: listing, goal, closing date,
 * and the reveal threshold, which may only go up (the WHERE clause holds that even under a race).
 */
export async function updatePublishedSettings(
  db: DB,
  letterId: string,
  settings: Pick<LetterDraftInput, "listed" | "goal" | "closesAt" | "revealThreshold"> & Partial<Pick<LetterDraftInput, "organizerName" | "contactEmail">>,
): Promise<boolean> {
  const result = await db
    .updateTable("letters")
    .set({
      // Who stands behind the letter is not part of the signed text: it may change after publishing.
      ...(settings.organizerName !== undefined ? { organizer_name: settings.organizerName } : {}),
      ...(settings.contactEmail !== undefined ? { contact_email: settings.contactEmail } : {}),
      listed: settings.listed,
      goal: settings.goal,
      closes_at: settings.closesAt,
      reveal_threshold: settings.revealThreshold,
      updated_at: new Date(),
    })
    .where("id", "=", letterId)
    .where("status", "<>", "draft")
    .where(sql<boolean>`coalesce(reveal_threshold, 0) <= ${settings.revealThreshold ?? 0}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

async function replaceDemands(trx: DB, letterId: string, demands: DemandInput[]) {
  await trx.deleteFrom("demands").where("letter_id", "=", letterId).execute();
  if (demands.length === 0) return;
  await trx
    .insertInto("demands")
    .values(demands.map((d, i) => ({ letter_id: letterId, position: i + 1, kind: d.kind, text: d.text })))
    .execute();
}

export function versionHash(content: LetterVersionContent): string {
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

export type PublishResult = { ok: true; versionHash: string; slug: string } | { ok: false; reason: "not-draft" | "no-demands" };

/**
 * The public slug. Listed: the title's slug, or with a random suffix if a letter already has it
 * (never `-2`, which would tell that another letter exists). Unlisted: always a random suffix, so
 * the letter is reachable only through its link. A slug someone set on purpose (the demo) stays.
 */
async function publicSlug(trx: DB, letter: { slug: string; title: string; listed: boolean }): Promise<string> {
  if (!letter.slug.startsWith(DRAFT_PREFIX)) return letter.slug;
  const base = slugify(letter.title);
  if (!letter.listed || RESERVED_SLUGS.has(base)) return `${base}-${randomSuffix()}`;
  const taken = await trx.selectFrom("letters").select("id").where("slug", "=", base).executeTakeFirst();
  return taken ? `${base}-${randomSuffix()}` : base;
}

/** Freezes title, addressee, body and demands; every signature from now on records this version. */
export async function publishLetter(db: DB, letterId: string): Promise<PublishResult> {
  const run = async (trx: DB): Promise<PublishResult> => {
    const letter = await trx.selectFrom("letters").selectAll().where("id", "=", letterId).forUpdate().executeTakeFirst();
    if (!letter || letter.status !== "draft") return { ok: false, reason: "not-draft" };
    const demands = await trx.selectFrom("demands").select(["kind", "text"]).where("letter_id", "=", letterId).orderBy("position").execute();
    if (demands.length === 0) return { ok: false, reason: "no-demands" };
    const content: LetterVersionContent = { title: letter.title, addressee: letter.addressee, body: letter.body, demands };
    const hash = versionHash(content);
    const slug = await publicSlug(trx, letter);
    await trx
      .insertInto("letter_versions")
      .values({ letter_id: letterId, version_hash: hash, content: JSON.stringify(content) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .updateTable("letters")
      .set({ status: "open", slug, version_hash: hash, published_at: new Date(), updated_at: new Date() })
      .where("id", "=", letterId)
      .execute();
    return { ok: true, versionHash: hash, slug };
  };
  if (db.isTransaction) return run(db);
  // Two letters with one title published at the same moment may both pick the plain slug: the
  // loser's transaction fails on the unique index, and its second try finds the slug taken.
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(run);
    } catch (error) {
      if ((error as { code?: string }).code !== "23505" || attempt >= 3) throw error;
    }
  }
}

/** Mails about a letter event go to its subscribers: the event's transaction also queues the fan-out. */
export interface NewsContext {
  appUrl: string;
}

async function letterNews(trx: DB, letterId: string, news: NewsContext) {
  const letter = await trx.selectFrom("letters").select(["title", "slug"]).where("id", "=", letterId).executeTakeFirstOrThrow();
  return { title: letter.title, letterUrl: `${news.appUrl}/letters/${letter.slug}` };
}

export async function closeLetter(db: DB, letterId: string, news: NewsContext): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("letters")
      .set({ status: "closed", closed_at: new Date(), updated_at: new Date() })
      .where("id", "=", letterId)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await queueNews(trx, letterId, "closed", { event: "closed", text: "", ...(await letterNews(trx, letterId, news)) });
    return true;
  });
}

export async function postUpdate(db: DB, letterId: string, body: string, news: NewsContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const update = await trx.insertInto("letter_updates").values({ letter_id: letterId, body }).returning("id").executeTakeFirstOrThrow();
    await trx.updateTable("letters").set({ updated_at: new Date() }).where("id", "=", letterId).execute();
    await queueNews(trx, letterId, `update:${update.id}`, { event: "update", text: body, ...(await letterNews(trx, letterId, news)) });
  });
}

/** A correction of the delivery or response is saved but mailed no second time (one job per event). */
export async function recordDelivery(db: DB, letterId: string, to: string, at: Date, news: NewsContext): Promise<void> {
  await recordOutcome(db, letterId, { delivered_to: to, delivered_at: at }, news, { event: "delivery", text: to, date: at.toISOString().slice(0, 10) });
}

export async function recordResponse(db: DB, letterId: string, text: string, at: Date, news: NewsContext): Promise<void> {
  await recordOutcome(db, letterId, { response_text: text, response_at: at }, news, { event: "response", text, date: at.toISOString().slice(0, 10) });
}

async function recordOutcome(
  db: DB,
  letterId: string,
  set: { delivered_to: string; delivered_at: Date } | { response_text: string; response_at: Date },
  news: NewsContext,
  event: { event: "delivery" | "response"; text: string; date: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("letters")
      .set({ ...set, updated_at: new Date() })
      .where("id", "=", letterId)
      .where("status", "<>", "draft")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return;
    await queueNews(trx, letterId, event.event, { ...event, ...(await letterNews(trx, letterId, news)) });
  });
}

/** A draft can be thrown away; a published letter cannot (people signed it). True if it was a draft and is gone. */
export async function deleteDraft(db: DB, letterId: string): Promise<boolean> {
  const result = await db.deleteFrom("letters").where("id", "=", letterId).where("status", "=", "draft").executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * A new draft with the same text, demands and settings (a letter for another team, a second round),
 * organized by whoever duplicated it. Nothing of the original's signatures, updates or team comes along.
 */
export async function duplicateLetter(db: DB, letterId: string, organizerId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const copy = await sql<{ id: string }>`
      INSERT INTO letters (slug, title, addressee, organization, body, allowed_domains, listed, goal, reveal_threshold, ask_job_title)
      SELECT ${draftSlug()}, left('Copy of ' || title, 200), addressee, organization, body, allowed_domains, listed, goal, reveal_threshold, ask_job_title
        FROM letters WHERE id = ${letterId}
      RETURNING id`.execute(trx);
    const id = copy.rows[0]!.id;
    await sql`
      INSERT INTO demands (letter_id, position, kind, text)
      SELECT ${id}, position, kind, text FROM demands WHERE letter_id = ${letterId}`.execute(trx);
    await trx.insertInto("letter_organizers").values({ letter_id: id, organizer_id: organizerId }).execute();
    return id;
  });
}
