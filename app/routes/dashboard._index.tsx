import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { formatDay } from "../utils/format";
import { STATUS_WORD } from "../components/letter-view";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { plural } from "../utils/format";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { verifiedCounts } from "../models/counts.server";
import { Progress } from "../components/letter-view";
import { effectiveStatus } from "../models/letter.server";
import { acceptInvites, listOrganizerLetters } from "../models/membership.server";
import { requireOrganizer } from "../auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const organizerId = await requireOrganizer(request, context);
  await acceptInvites(context.db, organizerId);
  const letters = await listOrganizerLetters(context.db, organizerId);
  // One count query for all of them.
  const verified = await verifiedCounts(context.db, letters.filter((l) => l.status !== "draft").map((l) => l.id));
  const rows = letters.map((l) => ({
    id: l.id,
    slug: l.slug,
    title: l.title || "Untitled draft",
    status: effectiveStatus(l),
    listed: l.listed,
    goal: l.goal,
    publishedAt: l.published_at?.toISOString() ?? null,
    closesAt: l.closes_at?.toISOString() ?? null,
    updatedAt: l.updated_at.toISOString(),
    verified: verified.get(l.id) ?? 0,
  }));
  const deleted = new URL(request.url).searchParams.has("deleted");
  return json({ letters: rows, deleted }, { headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Your letters · Undersigned" }, { name: "robots", content: "noindex" }];

const day = formatDay;

export default function Dashboard() {
  const { letters, deleted } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="dash-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1 id="dash-heading">Your letters</h1>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary">Sign out</button>
        </Form>
      </div>
      {deleted ? <p className="notice" role="status">The draft was deleted.</p> : null}
      <p>
        <Link to="/letters/new" className="button">Draft a new letter</Link>
      </p>
      {letters.length === 0 ? (
        <p className="muted">No letters yet.</p>
      ) : (
        <ul className="letter-list dashboard-letters">
          {letters.map((l) => (
            <li key={l.id} className="letter-card">
              <p className="eyebrow">
                <span className={`status status-${l.status}`}>{STATUS_WORD[l.status] ?? l.status}</span>
                {l.status !== "draft" && !l.listed ? " · Unlisted" : ""}
              </p>
              <h2 className="card-title">
                <Link to={`/dashboard/letters/${l.id}`}>{l.title}</Link>
              </h2>
              <p className="muted">
                {l.publishedAt ? <>Published {day(l.publishedAt)}</> : <>Last edited {day(l.updatedAt)}</>}
                {l.closesAt ? <> · {l.status === "open" ? "closes" : "closed"} {day(l.closesAt)} (UTC)</> : null}
              </p>
              {l.status === "draft" ? (
                <p className="muted">Not published: only organizers can see it.</p>
              ) : (
                <>
                  <p>
                    <strong>{l.verified.toLocaleString("en")}</strong> {plural(l.verified, "verified signature", "verified signatures")} ·{" "}
                    <Link to={`/letters/${l.slug}`}>Public page</Link>
                  </p>
                  <Progress verified={l.verified} goal={l.goal} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
