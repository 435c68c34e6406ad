import type { DB } from "../../db/connection";
import { decrypt, encrypt, type Keys } from "../utils/crypto.server";
import { organizerHash } from "./organizer-address.server";

/** Who acted: an operator signed in (their organizer id) or the command line. */
export type Actor = { kind: "operator"; organizerId: string } | { kind: "cli" };

async function audit(db: DB, actor: Actor, action: string, target: { letterId?: string; organizerId?: string }, detail: object = {}) {
  await db
    .insertInto("operator_audit")
    .values({
      operator_id: actor.kind === "operator" ? actor.organizerId : null,
      actor: actor.kind,
      action,
      letter_id: target.letterId ?? null,
      organizer_id: target.organizerId ?? null,
      detail: JSON.stringify(detail),
    })
    .execute();
}

/** A report from the public: a reason, and optionally an address to answer (sealed). */
export async function fileReport(db: DB, keys: Keys, letterId: string, reason: string, contact: string | null): Promise<void> {
  await db
    .insertInto("letter_reports")
    .values({ letter_id: letterId, reason, contact_encrypted: contact ? encrypt(keys.encryption, contact) : null })
    .execute();
}

export interface OpenReport {
  id: string;
  letterId: string;
  slug: string;
  title: string;
  reason: string;
  contact: string | null;
  at: string;
}

export async function openReports(db: DB, keys: Keys, limit = 100): Promise<OpenReport[]> {
  const rows = await db
    .selectFrom("letter_reports as r")
    .innerJoin("letters as l", "l.id", "r.letter_id")
    .select(["r.id", "r.letter_id", "l.slug", "l.title", "r.reason", "r.contact_encrypted", "r.created_at"])
    .where("r.resolved", "=", false)
    .orderBy("r.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    letterId: r.letter_id,
    slug: r.slug,
    title: r.title,
    reason: r.reason,
    contact: r.contact_encrypted ? safeDecrypt(keys, r.contact_encrypted) : null,
    at: r.created_at.toISOString(),
  }));
}

function safeDecrypt(keys: Keys, sealed: Uint8Array): string {
  try {
    return decrypt(keys.encryption, sealed);
  } catch {
    return "(unreadable)";
  }
}

export interface LetterForOperators {
  id: string;
  slug: string;
  title: string;
  status: string;
  listed: boolean;
  takenDown: { at: string; reason: string } | null;
  openReports: number;
  organizers: { id: string; email: string; suspended: boolean }[];
}

/** Published letters, newest first, with their organizers (operators may contact and suspend them). */
export async function lettersForOperators(db: DB, keys: Keys, limit = 100): Promise<LetterForOperators[]> {
  const letters = await db
    .selectFrom("letters")
    .select(["id", "slug", "title", "status", "listed", "taken_down_at", "takedown_reason"])
    .where("status", "<>", "draft")
    .orderBy("published_at", "desc")
    .limit(limit)
    .execute();
  if (letters.length === 0) return [];
  const ids = letters.map((l) => l.id);
  const [members, reports] = await Promise.all([
    db
      .selectFrom("letter_organizers as m")
      .innerJoin("organizers as o", "o.id", "m.organizer_id")
      .select(["m.letter_id", "o.id", "o.email_encrypted", "o.suspended_at"])
      .where("m.letter_id", "in", ids)
      .execute(),
    db.selectFrom("letter_reports").select(["letter_id"]).where("letter_id", "in", ids).where("resolved", "=", false).execute(),
  ]);
  return letters.map((l) => ({
    id: l.id,
    slug: l.slug,
    title: l.title,
    status: l.status,
    listed: l.listed,
    takenDown: l.taken_down_at ? { at: l.taken_down_at.toISOString(), reason: l.takedown_reason ?? "" } : null,
    openReports: reports.filter((r) => r.letter_id === l.id).length,
    organizers: members
      .filter((m) => m.letter_id === l.id)
      .map((m) => ({ id: m.id, email: safeDecrypt(keys, m.email_encrypted), suspended: m.suspended_at !== null })),
  }));
}

/** The letter becomes a tombstone with this public reason; signing and confirming stop; its reports are resolved. */
export async function takeDownLetter(db: DB, actor: Actor, letterId: string, reason: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("letters")
      .set({ taken_down_at: new Date(), takedown_reason: reason, updated_at: new Date() })
      .where("id", "=", letterId)
      .where("status", "<>", "draft")
      .where("taken_down_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await trx.updateTable("letter_reports").set({ resolved: true }).where("letter_id", "=", letterId).execute();
    await audit(trx, actor, "take-down", { letterId }, { reason });
    return true;
  });
}

export async function restoreLetter(db: DB, actor: Actor, letterId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("letters")
      .set({ taken_down_at: null, takedown_reason: null, updated_at: new Date() })
      .where("id", "=", letterId)
      .where("taken_down_at", "is not", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await audit(trx, actor, "restore", { letterId });
    return true;
  });
}

export async function resolveReport(db: DB, actor: Actor, reportId: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(reportId)) return false;
  const row = await db.updateTable("letter_reports").set({ resolved: true }).where("id", "=", reportId).where("resolved", "=", false).returning("letter_id").executeTakeFirst();
  if (!row) return false;
  await audit(db, actor, "dismiss-report", { letterId: row.letter_id });
  return true;
}

/** A suspended organizer cannot sign in, and their sessions end at once. */
export async function setOrganizerSuspended(db: DB, actor: Actor, organizerId: string, suspended: boolean): Promise<boolean> {
  if (!/^\d{1,18}$/.test(organizerId)) return false;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("organizers")
      .set({ suspended_at: suspended ? new Date() : null })
      .where("id", "=", organizerId)
      .where("suspended_at", suspended ? "is" : "is not", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    if (suspended) await trx.deleteFrom("sessions").where("organizer_id", "=", organizerId).execute();
    await audit(trx, actor, suspended ? "suspend-organizer" : "unsuspend-organizer", { organizerId });
    return true;
  });
}

export async function findOrganizerByEmail(db: DB, keys: Keys, email: string): Promise<string | null> {
  const row = await db.selectFrom("organizers").select("id").where("email_hash", "=", organizerHash(keys, email)).executeTakeFirst();
  return row?.id ?? null;
}

export async function operatorAuditEntries(db: DB, limit = 100) {
  const rows = await db
    .selectFrom("operator_audit as a")
    .leftJoin("letters as l", "l.id", "a.letter_id")
    .select(["a.actor", "a.operator_id", "a.action", "a.detail", "a.created_at", "l.slug", "a.organizer_id"])
    .orderBy("a.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ actor: r.actor, operatorId: r.operator_id, action: r.action, detail: r.detail, at: r.created_at.toISOString(), slug: r.slug, organizerId: r.organizer_id }));
}

/** Whether this organizer is one of OPERATOR_EMAILS (compared by the same HMAC the accounts use). */
export async function isOperator(db: DB, keys: Keys, operatorEmails: readonly string[], organizerId: string): Promise<boolean> {
  if (operatorEmails.length === 0) return false;
  const row = await db.selectFrom("organizers").select("email_hash").where("id", "=", organizerId).executeTakeFirst();
  return !!row && operatorEmails.some((email) => organizerHash(keys, email) === row.email_hash);
}
