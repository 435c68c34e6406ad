import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { TOKEN_PATTERN } from "../models/signature.server";
import { confirmSubscription, findSubscriptionByConfirmToken } from "../models/subscription.server";
import { noStoreHeaders, unknownLink } from "../token-page.server";
import { routeHeaders } from "../utils/http.server";

// The opt-in link: opening it (a mail scanner does) changes nothing; the owner presses the button.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const found = TOKEN_PATTERN.test(token) ? await findSubscriptionByConfirmToken(context.db, token) : null;
  if (!found) throw unknownLink();
  return json({ title: found.letter.title, slug: found.letter.slug, active: found.state === "active" }, { headers: noStoreHeaders() });
}

/** Confirms, then shows the result by a GET (a reload does not post again). */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const confirmed = await confirmSubscription(context.db, token);
  if (!confirmed && !(await findSubscriptionByConfirmToken(context.db, token))) throw unknownLink();
  return redirect(new URL(request.url).pathname, { status: 303, headers: noStoreHeaders() });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Confirm news by email · Undersigned" }, { name: "robots", content: "noindex" }];

export default function ConfirmNews() {
  const data = useLoaderData<typeof loader>();
  if (data.active) {
    return (
      <section className="narrow" aria-labelledby="news-done">
        <h1 id="news-done">You will get news of this letter</h1>
        <p>
          We will email this address when the organizers of <strong>{data.title}</strong> post an update,
          deliver the letter, or receive a response. Every message has a link to stop them, one click, no login.
        </p>
        <p>
          <Link to={`/letters/${data.slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="news-confirm">
      <h1 id="news-confirm">Confirm news by email</h1>
      <p>
        Send news of <strong>{data.title}</strong> to this address: updates from the organizers, the delivery of the
        letter and the employer's response. Nothing else, and never to anyone but you.
      </p>
      <Form method="post">
        <button type="submit">Yes, email me news</button>
      </Form>
      <p className="muted">If you did not ask for this, close this page: the request is forgotten in 3 days.</p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
