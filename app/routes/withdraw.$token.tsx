import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { NO_STORE, routeHeaders } from "../http.server";
import { invalidateLetter } from "../models/letter.server";
import { findByWithdrawToken, withdrawSignature } from "../models/signature.server";
import { noStoreHeaders, requireUsableToken } from "../token-page.server";

// Same two steps as confirming: the GET shows a button (or the result), only the POST withdraws.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = requireUsableToken(await findByWithdrawToken(context.db, params.token ?? ""), "withdraw");
  return json({ title: found.letter.title, slug: found.letter.slug, status: found.status }, { headers: noStoreHeaders() });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const withdrawn = await withdrawSignature(context.db, token);
  // Unknown tokens are a 404; a second POST finds it withdrawn and shows the result.
  const found = requireUsableToken(await findByWithdrawToken(context.db, token), "withdraw");
  // The signer should see the count drop and their name go at once.
  if (withdrawn) invalidateLetter(context.cache, found.letter);
  return redirect(new URL(request.url).pathname, { status: 303, headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Withdraw your signature · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Withdraw() {
  const { title, slug, status } = useLoaderData<typeof loader>();
  if (status === "invalidated") {
    return (
      <section className="narrow" aria-labelledby="gone-heading">
        <h1 id="gone-heading">Nothing to withdraw</h1>
        <p>The organizers removed this signature: it no longer counts, and no name is shown or kept.</p>
      </section>
    );
  }
  if (status === "withdrawn") {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">Your signature is withdrawn</h1>
        <p>It no longer counts, and your name is no longer shown or kept.</p>
        <p>
          <Link to={`/letters/${slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="withdraw-heading">
      <h1 id="withdraw-heading">Withdraw your signature</h1>
      <p>
        This removes your signature from <strong>{title}</strong>: it stops counting and your name disappears.
      </p>
      <Form method="post">
        <button type="submit" className="danger">
          Withdraw my signature
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
