import { json, redirect, type AppLoadContext, type TypedResponse } from "@remix-run/node";
import type { Letter } from "../db/schema";
import { NO_STORE, tooManyRequests } from "./utils/http.server";
import { formIntent, parseLetterForm, type DemandRow, type LetterFormValues } from "./letter-draft";
import { renderMarkdown } from "./utils/markdown.server";
import { BODY_MAX_LENGTH } from "./validation";
import {
  closeLetter,
  deleteDraft,
  duplicateLetter,
  postUpdate,
  publishLetter,
  recordDelivery,
  recordResponse,
  updateDraft,
  updatePublishedSettings,
} from "./models/letter-admin.server";
import { hideNamedSignature, invalidateSignatures, previewInvalidation, PREVIEWS_PER_DAY } from "./models/abuse.server";
import { MIN_DOMAIN_GROUP } from "./models/counts.server";
import { cachedCounts } from "./models/letter.server";
import { invalidateLetter } from "./models/read-cache.server";
import { namesRevealed } from "./letter-page.server";
import { cacheKeys } from "./models/read-cache.server";
import { inviteOrganizer, removeOrganizer, setNotificationPrefs } from "./models/membership.server";
import { addressKey } from "./utils/rate-limit.server";
import {
  DeliverySchema,
  eventDateError,
  fieldErrors,
  formFields,
  InvalidationSchema,
  LetterDraftSchema,
  InviteSchema,
  ResponseSchema,
  UpdateSchema,
  type FormBody,
} from "./validation";

// Counting a handful of signatures by domain and hour would single people out: the same floor as
// the public per-domain breakdown, and 0 to 4 all look the same (models/abuse.server.ts).
const NEEDS_PREVIEW = `Preview the count first: only a previewed set of ${MIN_DOMAIN_GROUP} or more, with the same criteria, can be invalidated.`;
const TOO_MANY_PREVIEWS = `This letter has used its ${PREVIEWS_PER_DAY} previews for the last 24 hours. Each preview is recorded in the audit log; try again tomorrow.`;

/** A whole hour as a datetime-local value (UTC). */
const hourInput = (d: Date | null) => (d ? d.toISOString().slice(0, 16) : "");

const FROZEN =
  "This letter is published: its title, addressee, text and demands are frozen, because people signed exactly that text. Post an update instead.";

/** Every answer of an organizer action, one type from here to the page that shows it. */
export interface LetterActionResult {
  intent: string;
  ok: boolean;
  /** Field name → message. */
  errors: Partial<Record<string, string>>;
  /** A refused draft: what was typed, to show again. */
  values?: LetterFormValues;
  demands?: DemandRow[];
  /** An invalidation preview: count null means fewer than MIN_DOMAIN_GROUP. */
  preview?: { count: number | null; previewId: string | null; criteria: Record<string, string> };
  invalidated?: number;
  /** The letter text rendered as the page will show it ("Preview the text"); nothing saved. */
  bodyPreview?: string;
}

const answer = (result: LetterActionResult, status = 200) =>
  json<LetterActionResult>(result, { status, headers: { "Cache-Control": NO_STORE } });
const done = (intent: string, extra: Partial<LetterActionResult> = {}) => answer({ intent, ok: true, errors: {}, ...extra });
const refused = (intent: string, errors: LetterActionResult["errors"], extra: Partial<LetterActionResult> = {}) =>
  answer({ intent, ok: false, errors, ...extra }, 400);
const conflict = (message: string) => new Response(message, { status: 409, headers: { "Cache-Control": NO_STORE } });

/**
 * The letter text through the public page's own Markdown renderer, and the form as typed (without
 * JavaScript the page shows both again); nothing is saved.
 */
export function previewText(form: FormBody): LetterActionResult {
  const { values, demands } = parseLetterForm(form, "preview-text");
  return { intent: "preview-text", ok: true, errors: {}, values, demands, bodyPreview: renderMarkdown((values.body ?? "").slice(0, BODY_MAX_LENGTH)) };
}

/** One organizer action on one letter; the caller has already checked that the organizer belongs to it. */
export async function handleLetterAction(
  context: AppLoadContext,
  organizerId: string,
  letter: Letter,
  form: FormBody,
): Promise<TypedResponse<LetterActionResult>> {
  try {
    return await letterAction(context, organizerId, letter, form);
  } finally {
    // Whatever the action changed (text, team, audit log), the next dashboard view reads it afresh.
    context.cache.invalidate(cacheKeys.dashboardPrefix(letter.id));
  }
}

async function letterAction(
  context: AppLoadContext,
  organizerId: string,
  letter: Letter,
  form: FormBody,
): Promise<TypedResponse<LetterActionResult>> {
  const intent = formIntent(form);
  const { db } = context;
  const invalidate = () => invalidateLetter(context, letter);
  const news = { appUrl: context.config.appUrl };

  if (intent === "preview-text") return answer(previewText(form));

  if (intent === "save" || intent === "publish" || intent === "review-publish" || /^(move-up|move-down|remove):/.test(intent)) {
    if (letter.status !== "draft") throw conflict(FROZEN);
    const parsed = parseLetterForm(form, intent);
    const publishing = intent === "publish" || intent === "review-publish";
    if (publishing && parsed.validDemands.length === 0 && !parsed.errors.demands) {
      parsed.errors.demands = "Add at least one demand before publishing";
    }
    // A draft may be saved half-written; what is published is frozen, so it must say something.
    if (publishing && !parsed.errors.body && !(parsed.draft?.body ?? "").trim()) {
      parsed.errors.body = "Write the letter before publishing: people sign exactly this text";
    }
    if (!parsed.draft || Object.keys(parsed.errors).length > 0) {
      return refused(intent, parsed.errors, { values: parsed.values, demands: parsed.demands });
    }
    if (!(await updateDraft(db, letter.id, parsed.draft, parsed.validDemands))) throw conflict(FROZEN);
    // Saved as typed; the review page shows what will be frozen before anything is published.
    if (intent === "review-publish") throw redirect(`/dashboard/letters/${letter.id}/publish`, 303);
    if (intent === "publish") {
      const published = await publishLetter(db, letter.id);
      if (!published.ok) throw conflict(FROZEN);
      invalidate();
    }
    return done(intent);
  }

  if (intent === "invite") {
    const parsed = InviteSchema.safeParse(formFields(form, ["email", "inviterName"]));
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return refused(intent, { inviteEmail: errors.email, inviterName: errors.inviterName });
    }
    // Each invitation sends a mail: the same limits as a login request for that address.
    const verdict = await context.limits.login(context.ipHash, addressKey(context.keys.rateLimit, "organizer", parsed.data.email));
    if (!verdict.ok) {
    context.metrics.rateLimited.inc({ action: "invite", scope: verdict.scope });
    throw tooManyRequests(verdict.retryAfterSeconds, verdict.scope);
  }
    await inviteOrganizer(db, context.keys, context.config.appUrl, letter.id, organizerId, parsed.data.email, parsed.data.inviterName);
    context.mailSignal.queued();
    return done(intent);
  }
  if (intent === "remove-organizer") {
    const target = formFields(form, ["organizerId"]).organizerId ?? "";
    const result = await removeOrganizer(db, letter.id, target, organizerId);
    if (result === "last") return refused(intent, { organizers: "A letter needs at least one organizer." });
    if (result === "absent") return refused(intent, { organizers: "That person does not organize this letter." });
    // Removing yourself ends your access to this page.
    if (target === organizerId) throw redirect("/dashboard", { status: 303, headers: { "Cache-Control": NO_STORE } });
    return done(intent);
  }

  if (intent === "delete") {
    if (letter.status !== "draft") throw conflict("A published letter cannot be deleted: people signed it. Close it instead.");
    if (form.get("confirmDelete") !== "on") return refused(intent, { confirmDelete: "Tick the box to confirm: a deleted draft cannot be brought back." });
    await deleteDraft(db, letter.id);
    throw redirect("/dashboard?deleted=1", 303);
  }
  if (intent === "duplicate") {
    const copy = await duplicateLetter(db, letter.id, organizerId);
    throw redirect(`/dashboard/letters/${copy}?duplicated=1`, 303);
  }
  if (letter.status === "draft") throw conflict("Publish the letter first.");

  if (intent === "invalidate-preview" || intent === "invalidate") {
    const parsed = InvalidationSchema.safeParse(formFields(form, ["invDomain", "invFrom", "invTo", "previewed"]));
    if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
    const { invDomain, invFrom, invTo } = parsed.data;
    const criteria = { domain: invDomain, from: invFrom, to: invTo };
    // The form shows the window as it was snapped to whole hours (UTC).
    const shown = { invDomain: invDomain ?? "", invFrom: hourInput(invFrom), invTo: hourInput(invTo) };
    if (intent === "invalidate-preview") {
      const preview = await previewInvalidation(db, letter.id, organizerId, criteria);
      if (!preview.ok) return refused(intent, { invDomain: TOO_MANY_PREVIEWS });
      return done(intent, { preview: { count: preview.count, previewId: preview.previewId, criteria: shown } });
    }
    // Only a preview of exactly these criteria, by this organizer, within the hour, can be carried out:
    // guessing counts without previewing (and without the audit log seeing it) is not possible.
    const previewId = formFields(form, ["previewId"]).previewId ?? "";
    const result = await invalidateSignatures(db, letter.id, organizerId, criteria, previewId);
    if (result.ok === false) {
      return refused(intent, { invDomain: result.reason === "no-preview" ? NEEDS_PREVIEW : "The matching set changed since the preview. Preview again." });
    }
    invalidate();
    return done(intent, { invalidated: result.count });
  }

  if (intent === "hide-name") {
    const signatureId = formFields(form, ["signatureId"]).signatureId ?? "";
    // Only names the public can see: before the threshold, the answer is the same for every id.
    const publicCount = (await cachedCounts(db, context.cache, letter.id)).public;
    const visible = namesRevealed(letter.reveal_threshold, publicCount);
    if (!visible || !(await hideNamedSignature(db, letter.id, organizerId, signatureId))) {
      return refused(intent, { signers: "That name is no longer shown (it may have been withdrawn or hidden already)." });
    }
    invalidate();
    return done(intent);
  }

  if (intent === "settings") {
    const parsed = LetterDraftSchema.pick({ listed: true, goal: true, closesAt: true, revealThreshold: true, organizerName: true, contactEmail: true }).safeParse({
      listed: "listed",
      ...formFields(form, ["listed", "goal", "closesAt", "revealThreshold", "organizerName", "contactEmail"]),
    });
    if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
    const current = letter.reveal_threshold ?? 0;
    if ((parsed.data.revealThreshold ?? 0) < current) {
      return refused(intent, {
        revealThreshold: `After publishing, the reveal threshold can only be raised (it is ${current}): signers chose to be named on that promise.`,
      });
    }
    // A form without the "organized by" fields (an older page) leaves them as they are.
    const { organizerName, contactEmail, ...rest } = parsed.data;
    const settings = {
      ...rest,
      ...(form.get("organizerName") !== null ? { organizerName } : {}),
      ...(form.get("contactEmail") !== null ? { contactEmail } : {}),
    };
    if (!(await updatePublishedSettings(db, letter.id, settings))) {
      return refused(intent, { revealThreshold: "The reveal threshold changed meanwhile. Reload the page and try again." });
    }
    invalidate();
    return done(intent);
  }
  if (intent === "notifications") {
    // Checkboxes: absent means off.
    await setNotificationPrefs(db, letter.id, organizerId, { notifyMilestones: form.get("notifyMilestones") === "on", notifyDigest: form.get("notifyDigest") === "on" });
    return done(intent);
  }
  if (intent === "close") {
    await closeLetter(db, letter.id, news);
    context.mailSignal.queued();
    invalidate();
    return done(intent);
  }
  if (intent === "update") {
    const parsed = UpdateSchema.safeParse(formFields(form, ["body"]));
    if (!parsed.success) return refused(intent, { updateBody: fieldErrors(parsed.error).body });
    await postUpdate(db, letter.id, parsed.data.body, news);
    context.mailSignal.queued();
    invalidate();
    return done(intent);
  }
  if (intent === "delivery") {
    const parsed = DeliverySchema.safeParse(formFields(form, ["deliveredTo", "deliveredAt"]));
    if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
    const when = eventDateError(parsed.data.deliveredAt);
    if (when) return refused(intent, { deliveredAt: when });
    await recordDelivery(db, letter.id, parsed.data.deliveredTo, parsed.data.deliveredAt, news);
    context.mailSignal.queued();
    invalidate();
    return done(intent);
  }
  if (intent === "response") {
    const parsed = ResponseSchema.safeParse(formFields(form, ["responseText", "responseAt"]));
    if (!parsed.success) return refused(intent, fieldErrors(parsed.error));
    const when = eventDateError(parsed.data.responseAt, { at: letter.delivered_at, what: "delivery" });
    if (when) return refused(intent, { responseAt: when });
    await recordResponse(db, letter.id, parsed.data.responseText, parsed.data.responseAt, news);
    context.mailSignal.queued();
    invalidate();
    return done(intent);
  }
  return refused(intent, { form: "Unknown action." });
}
