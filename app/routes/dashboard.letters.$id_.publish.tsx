import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requireLetter } from "../auth.server";
import { publishLetter } from "../models/letter-admin.server";
import { loadLetterView } from "../models/letter.server";
import { invalidateLetter } from "../models/read-cache.server";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { renderMarkdown } from "../utils/markdown.server";

/** The last look before publishing: what will be frozen, what can still change, what cannot be undone. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  if (letter.status !== "draft") throw redirect(`/dashboard/letters/${letter.id}`);
  const view = await loadLetterView(context.db, letter);
  const problems = [
    ...(view.demands.length === 0 ? ["Add at least one demand."] : []),
    ...(view.body.trim() ? [] : ["Write the letter: people sign exactly its text."]),
  ];
  return json(
    {
      id: letter.id,
      title: view.title,
      addressee: view.addressee,
      organization: view.organization,
      html: renderMarkdown(view.body),
      demands: view.demands.map((d) => d.text),
      settings: {
        domains: view.allowedDomains.join(", "),
        goal: view.goal,
        closesAt: view.closesAt?.slice(0, 10) ?? null,
        revealThreshold: view.revealThreshold,
        listed: letter.listed,
      },
      problems,
    },
    { headers: { "Cache-Control": NO_STORE } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  if (letter.status !== "draft") throw redirect(`/dashboard/letters/${letter.id}`, 303);
  const view = await loadLetterView(context.db, letter);
  if (view.demands.length === 0 || !view.body.trim()) throw redirect(`/dashboard/letters/${letter.id}/publish`, 303);
  const published = await publishLetter(context.db, letter.id);
  if (!published.ok) throw redirect(`/dashboard/letters/${letter.id}`, 303);
  invalidateLetter(context, { id: letter.id, slug: published.slug });
  return redirect(`/dashboard/letters/${letter.id}/live`, 303);
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Publish a letter · Undersigned" }, { name: "robots", content: "noindex" }];

export default function ReviewPublish() {
  const data = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="review-heading">
      <p className="eyebrow">
        <Link to={`/dashboard/letters/${data.id}`}>Back to editing</Link>
      </p>
      <h1 id="review-heading">Publish this letter?</h1>
      <div className="panel">
        <h2>Once published</h2>
        <ul>
          <li>
            <strong>Frozen for good:</strong> the title, the addressee, the text and the demands. Everyone signs exactly this
            text; its fingerprint is shown on the page. To say more later, post an update.
          </li>
          <li>
            <strong>Still yours to change:</strong> the goal, the closing date, listing on the home page, and the reveal threshold
            (it can only be raised). You can close the letter at any time.
          </li>
          <li>
            <strong>Cannot be undone:</strong> publishing. A published letter cannot be deleted, because people will have
            signed it.
          </li>
        </ul>
      </div>
      <article className="letter review-text" aria-label="The text to be frozen">
        <p className="eyebrow">An open letter from employees of {data.organization}</p>
        <h2>{data.title}</h2>
        {data.addressee ? <p>To {data.addressee}</p> : null}
        <div className="letter-body" dangerouslySetInnerHTML={{ __html: data.html }} />
        {data.demands.length ? (
          <>
            <h3>Demands</h3>
            <ol>{data.demands.map((d, i) => <li key={i}>{d}</li>)}</ol>
          </>
        ) : null}
      </article>
      <dl className="review-settings">
        <dt>Who can sign</dt>
        <dd>Work addresses at {data.settings.domains}</dd>
        <dt>Goal</dt>
        <dd>{data.settings.goal ? data.settings.goal.toLocaleString("en") : "None"}</dd>
        <dt>Closes</dt>
        <dd>{data.settings.closesAt ? `At the end of ${data.settings.closesAt} (UTC)` : "When you close it"}</dd>
        <dt>Names shown</dt>
        <dd>{data.settings.revealThreshold ? `Once ${data.settings.revealThreshold.toLocaleString("en")} people have chosen to be named` : "At once, for those who choose to be named"}</dd>
        <dt>Home page</dt>
        <dd>{data.settings.listed ? "Listed" : "Unlisted: only people with the link find it"}</dd>
      </dl>
      {data.problems.length ? (
        <div className="form-error" role="alert">
          <p>Not ready to publish:</p>
          <ul>{data.problems.map((p) => <li key={p}>{p}</li>)}</ul>
          <p><Link to={`/dashboard/letters/${data.id}`}>Back to editing</Link></p>
        </div>
      ) : (
        <Form method="post" className="row">
          <button type="submit" disabled={busy}>{busy ? "Publishing…" : "Publish now"}</button>
          <Link to={`/dashboard/letters/${data.id}`}>Keep editing</Link>
        </Form>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
