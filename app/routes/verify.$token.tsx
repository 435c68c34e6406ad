import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { NO_STORE, routeHeaders } from "../http.server";
import { cachedCounts, countsKey } from "../models/letter.server";
import { confirmSignature, findByConfirmToken } from "../models/signature.server";
import { noStoreHeaders, requireUsableToken } from "../token-page.server";

// GET and HEAD only show a button: mail scanners open every link, and must not confirm anything.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = requireUsableToken(await findByConfirmToken(context.db, params.token ?? ""), "confirm");
  return json({ title: found.letter.title, slug: found.letter.slug, status: found.status, letterOpen: found.letter.status === "open" }, { headers: noStoreHeaders() });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const found = requireUsableToken(await findByConfirmToken(context.db, token), "confirm");
  if (found.letter.status !== "open" && found.status === "pending") {
    throw new Response("This letter closed before your signature was confirmed, so it can no longer be added.", {
      status: 409,
      headers: { "Cache-Control": NO_STORE },
    });
  }
  const confirmedNow = await confirmSignature(context.db, token);
  const committedAt = Date.now();
  const counts = await cachedCounts(context.db, context.cache, found.letter.id);
  // The count is shared and up to a second old; the signer should still see their own signature in
  // it. A count that began before this confirmation committed cannot include it: add it.
  const startedAt = context.cache.startedAt(countsKey(found.letter.id)) ?? committedAt;
  const confirmed = confirmedNow || found.status === "confirmed";
  return json(
    {
      confirmed,
      status: confirmed ? "confirmed" : found.status,
      visibility: found.visibility,
      verified: counts.verified + (confirmedNow && startedAt < committedAt ? 1 : 0),
      shareUrl: `${context.config.appUrl}/letters/${found.letter.slug}`,
    },
    { headers: noStoreHeaders() },
  );
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Confirm your signature · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Verify() {
  const { title, slug, status } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result) {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">{result.confirmed ? "Your signature is confirmed" : "Nothing to confirm"}</h1>
        {result.confirmed ? (
          <>
            <p>
              <strong>{title}</strong> now has <strong data-testid="verified-count">{result.verified.toLocaleString("en")}</strong>{" "}
              verified signatures.
            </p>
            <p>
              {result.visibility === "public"
                ? "You chose to be named: your name (and job title) appear with the letter."
                : "You chose to sign anonymously: you are counted, and your name was never kept."}
            </p>
            <p>
              Share the letter: <a href={result.shareUrl}>{result.shareUrl}</a>
            </p>
            <p className="muted">Changed your mind? The message you received also holds a link to withdraw, at any time.</p>
          </>
        ) : (
          <p>This signature was {result.status === "withdrawn" ? "withdrawn" : "not pending"}, so nothing changed.</p>
        )}
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="confirm-heading">
      <h1 id="confirm-heading">Confirm your signature</h1>
      <p>
        You are about to add your signature to <strong>{title}</strong>.
      </p>
      {status === "confirmed" ? (
        <p>This signature is already confirmed. Pressing the button again changes nothing.</p>
      ) : null}
      <Form method="post">
        <button type="submit">Confirm my signature</button>
      </Form>
      <p>
        <Link to={`/letters/${slug}`}>Read the letter first</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
