import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { LetterForm, skipRevalidationForPreview } from "../components/letter-form";
import { STATUS_WORD } from "../components/letter-view";
import { OrganizerPanels } from "../components/organizer-panels";
import { NO_STORE, readForm, routeHeaders } from "../utils/http.server";
import { handleLetterAction } from "../letter-actions.server";
import { letterFormValues } from "../letter-draft";
import { cachedAbuseSignals } from "../models/abuse.server";
import { MIN_DOMAIN_GROUP } from "../models/counts.server";
import { cachedCounts, effectiveStatus, loadLetterView } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { listLetterOrganizers, notificationPrefs, organizerDisplayName } from "../models/membership.server";
import { subscriberCount } from "../models/subscription.server";
import { requireLetter } from "../auth.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id);
  // Every read here is shared between the letter's organizers (a team watching a viral letter) for
  // a second (the abuse signals for 15 s); every organizer action clears them (invalidateLetter).
  const { db, cache } = context;
  // Text, team and audit log change only through organizer actions, each of which clears them.
  const [view, counts, team, signals, subscribers, prefs, myName] = await Promise.all([
    cache.get(cacheKeys.dashboard(letter.id, "view"), () => loadLetterView(db, letter)),
    // The figures the public sees, from the same one-second cache (organizers see no more, and a
    // million-signature letter's totals are then summed once a second, not once per view).
    cachedCounts(db, cache, letter.id).then(({ verified, public: named, anonymous }) => ({ verified, public: named, anonymous })),
    cache.get(cacheKeys.dashboard(letter.id, "team"), () => listLetterOrganizers(db, context.keys, letter.id)),
    // Only whether there is something unusual (the moderation page has the details); refreshed in
    // the background, never awaited by a view.
    cachedAbuseSignals(db, cache, letter.id),
    cache.get(cacheKeys.dashboard(letter.id, "reach"), () => subscriberCount(db, letter.id)),
    cache.get(cacheKeys.dashboard(letter.id, `prefs:${organizerId}`), () => notificationPrefs(db, letter.id, organizerId)),
    cache.get(cacheKeys.dashboard(letter.id, `name:${organizerId}`), () => organizerDisplayName(db, context.keys, organizerId)),
  ]);
  const query = new URL(request.url).searchParams;
  return json(
    {
      me: organizerId,
      myName,
      duplicated: query.has("duplicated"),
      closedNow: query.has("closed"),
      created: query.has("created"),
      letter: {
        id: letter.id,
        slug: letter.slug,
        status: effectiveStatus(letter),
        versionHash: letter.version_hash,
        deliveredTo: letter.delivered_to,
        deliveredAt: letter.delivered_at?.toISOString().slice(0, 10) ?? "",
        responseText: letter.response_text,
        responseAt: letter.response_at?.toISOString().slice(0, 10) ?? "",
      },
      values: letterFormValues(letter),
      demands: view.demands,
      counts,
      team,
      updates: view.updates,
      // Counts only, under the same small-group rule as the per-domain table: null is "fewer than minGroup".
      reach: { subscribers: subscribers >= MIN_DOMAIN_GROUP || subscribers === 0 ? subscribers : null, minGroup: MIN_DOMAIN_GROUP, ...prefs },
      unusual: signals.length,
    },
    { headers: { "Cache-Control": NO_STORE } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id);
  return handleLetterAction(context, organizerId, letter, await readForm(request));
}

export const headers = routeHeaders;

export const shouldRevalidate = skipRevalidationForPreview;
export const meta: MetaFunction = () => [{ title: "Organize a letter · Undersigned" }, { name: "robots", content: "noindex" }];

export default function EditLetter() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { letter } = data;
  const draftErrors = result && !result.ok && result.values ? result.errors : {};
  return (
    <section aria-labelledby="edit-heading">
      <p className="eyebrow">
        <Link to="/dashboard">Your letters</Link> · <span className={`status status-${letter.status}`}>{STATUS_WORD[letter.status] ?? letter.status}</span>
      </p>
      <h1 id="edit-heading">{data.values.title}</h1>
      <p className="row">
        <Link to={`/dashboard/letters/${letter.id}/preview`}>Preview the public page</Link>
        {letter.status !== "draft" ? <Link to={`/letters/${letter.slug}`}>Open the public page</Link> : null}
        {letter.status !== "draft" ? <Link to={`/dashboard/letters/${letter.id}/packet`}>Delivery packet (print, PDF, CSV)</Link> : null}
        <Link to={`/dashboard/letters/${letter.id}/moderation`}>Moderation and activity log</Link>
      </p>
      {data.unusual > 0 ? (
        <p className="notice" data-testid="unusual">
          <strong>Unusual activity</strong>: {data.unusual === 1 ? "one sign" : `${data.unusual} signs`} of a burst of signatures this hour or the last.{" "}
          <Link to={`/dashboard/letters/${letter.id}/moderation`}>Look at it, and invalidate if it is a flood</Link>.
        </p>
      ) : null}
      {data.closedNow && !result ? <p className="notice" role="status">The letter is closed: the count is final, and those who asked for news are being told.</p> : null}
      {data.duplicated && !result ? <p className="notice" role="status">This is a new draft, copied from the letter you duplicated. Edit it freely: nothing is public until you publish.</p> : null}
      {result?.ok && !result.preview && result.invalidated === undefined && result.intent !== "save" && result.intent !== "preview-text" ? <p className="notice" role="status">{result.intent === "hide-name" ? "The name is hidden; the signature still counts, anonymously." : "Saved."}</p> : null}
      {letter.status === "draft" ? (
        <LetterForm
          values={result?.values ?? data.values}
          demands={result?.demands ?? data.demands}
          errors={draftErrors}
          action={`/dashboard/letters/${letter.id}#save-status`}
          saved={(result ? result.ok && result.intent === "save" : data.created) ? "Draft saved. Nothing is public until you publish." : null}
          bodyPreview={result?.bodyPreview ?? null}
          actions={
            <>
              <button type="submit" name="intent" value="save">Save draft</button>
              <button type="submit" name="intent" value="review-publish" className="secondary">Review and publish</button>
            </>
          }
        />
      ) : (
        <p className="notice">
          Published text is frozen: the title, addressee, letter and demands cannot change, because people signed exactly
          that text (version <code>{letter.versionHash?.slice(0, 12)}</code>). Post an update to tell signers what changed.
        </p>
      )}
      <OrganizerPanels data={data} result={result} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
