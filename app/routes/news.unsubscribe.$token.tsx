import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { TOKEN_PATTERN } from "../models/signature.server";
import { findSubscriptionByUnsubscribeToken, unsubscribe } from "../models/subscription.server";
import { noStoreHeaders, unknownLink } from "../token-page.server";
import { routeHeaders } from "../utils/http.server";

// Opening the link shows a button (scanners open every link); a POST erases the subscription. Mail
// clients that support RFC 8058 POST `List-Unsubscribe=One-Click` here themselves: same effect.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const found = await findSubscriptionByUnsubscribeToken(context.db, token);
  return json({ subscribed: found !== null, title: found?.title ?? null }, { headers: noStoreHeaders() });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const erased = await unsubscribe(context.db, token);
  if (erased) context.log("info", { event: "unsubscribed" });
  // The same answer whether or not there was anything to erase: a second click is not an error.
  return json({ unsubscribed: true }, { headers: noStoreHeaders() });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Stop news by email · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Unsubscribe() {
  const data = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  if (done || !data.subscribed) {
    return (
      <section className="narrow" aria-labelledby="unsub-done">
        <h1 id="unsub-done">No more news by email</h1>
        <p>This address gets no news of that letter any more, and we erased it: there is nothing left to delete.</p>
        <p>
          <Link to="/">See all letters</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="unsub">
      <h1 id="unsub">Stop news by email</h1>
      <p>
        Stop emails about <strong>{data.title}</strong> and erase this address from Undersigned. Your signature, if
        you signed, stays as it is.
      </p>
      <Form method="post">
        <button type="submit" className="danger">
          Stop the emails
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
