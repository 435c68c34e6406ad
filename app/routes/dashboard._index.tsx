import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { countSignatures } from "../models/counts.server";
import { effectiveStatus } from "../models/letter.server";
import { acceptInvites, listOrganizerLetters } from "../models/membership.server";
import { requireOrganizer } from "../auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const organizerId = await requireOrganizer(request, context);
  await acceptInvites(context.db, organizerId);
  const letters = await listOrganizerLetters(context.db, organizerId);
  const rows = await Promise.all(
    letters.map(async (l) => ({
      id: l.id,
      slug: l.slug,
      title: l.title,
      status: effectiveStatus(l),
      listed: l.listed,
      verified: l.status === "draft" ? 0 : (await countSignatures(context.db, l.id)).verified,
    })),
  );
  return json({ letters: rows }, { headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Your letters · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Dashboard() {
  const { letters } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="dash-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1 id="dash-heading">Your letters</h1>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary">Sign out</button>
        </Form>
      </div>
      <p>
        <Link to="/letters/new" className="button">Draft a new letter</Link>
      </p>
      {letters.length === 0 ? (
        <p className="muted">No letters yet.</p>
      ) : (
        <table className="domains">
          <caption>Letters you organize</caption>
          <thead>
            <tr>
              <th scope="col">Letter</th>
              <th scope="col">Status</th>
              <th scope="col">Verified signatures</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((l) => (
              <tr key={l.id}>
                <td>
                  <Link to={`/dashboard/letters/${l.id}`}>{l.title}</Link>
                </td>
                <td>
                  {l.status}
                  {l.listed ? "" : " (unlisted)"}
                </td>
                <td>{l.verified.toLocaleString("en")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
