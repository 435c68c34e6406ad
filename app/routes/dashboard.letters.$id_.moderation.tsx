import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { AbusePanel, AuditLog } from "../components/abuse-panel";
import { NO_STORE, readForm, routeHeaders } from "../utils/http.server";
import { handleLetterAction } from "../letter-actions.server";
import { namesRevealed } from "../letter-page.server";
import { auditEntries, cachedAbuseSignals, PREVIEWS_PER_DAY } from "../models/abuse.server";
import { MIN_DOMAIN_GROUP, NAMED_ENTRIES_SHOWN, namedEntriesForModeration } from "../models/counts.server";
import { cachedCounts, effectiveStatus } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { requireLetter } from "../auth.server";

/**
 * Moderation and the team's activity log, a page of their own: unusual activity, invalidation by
 * domain or hour window, hiding a named entry, and who did what. The letter's main page says when
 * there is something unusual and links here.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id);
  const { db, cache } = context;
  const query = new URL(request.url).searchParams;
  const nameSearch = (query.get("name") ?? "").trim().slice(0, 100);
  const [counts, signals, audit] = await Promise.all([
    cachedCounts(db, cache, letter.id),
    // Two aggregates over the last two hours of submissions: refreshed in the background, never awaited by a view.
    cachedAbuseSignals(db, cache, letter.id),
    cache.get(cacheKeys.dashboard(letter.id, "audit"), () => auditEntries(db, letter.id)),
  ]);
  // Organizers see the names the public sees, no more: none while the threshold hides them.
  const named = namesRevealed(letter.reveal_threshold, counts.public)
    ? await cache.get(cacheKeys.named(letter.id, nameSearch), () => namedEntriesForModeration(db, letter.id, nameSearch))
    : [];
  return json(
    {
      me: organizerId,
      letter: { id: letter.id, title: letter.title, status: effectiveStatus(letter) },
      abuse: { signals, audit, named, nameSearch, namedTotal: counts.public, namedShown: NAMED_ENTRIES_SHOWN, minGroup: MIN_DOMAIN_GROUP, previewsPerDay: PREVIEWS_PER_DAY },
    },
    { headers: { "Cache-Control": NO_STORE } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id);
  return handleLetterAction(context, organizerId, letter, await readForm(request));
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Moderation and activity · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Moderation() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="moderation-heading">
      <p className="eyebrow">
        <Link to="/dashboard">Your letters</Link> · <Link to={`/dashboard/letters/${data.letter.id}`}>{data.letter.title}</Link>
      </p>
      <h1 id="moderation-heading">Moderation and activity</h1>
      {result?.ok && result.intent === "hide-name" ? <p className="notice" role="status">The name is hidden; the signature still counts, anonymously.</p> : null}
      {data.letter.status !== "draft" ? (
        <AbusePanel data={data.abuse} me={data.me} result={result} />
      ) : (
        <p className="muted">Nothing to moderate before the letter is published.</p>
      )}
      <AuditLog audit={data.abuse.audit} me={data.me} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
