import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { NO_STORE, routeHeaders } from "../http.server";
import { cachedCounts, countsKey } from "../models/letter.server";
import { confirmSignature, findByConfirmToken } from "../models/signature.server";
import { noStoreHeaders, requireUsableToken } from "../token-page.server";

// GET and HEAD only show: a button while pending, the result once confirmed. Mail scanners open
// every link and must not confirm anything.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = requireUsableToken(await findByConfirmToken(context.db, params.token ?? ""), "confirm");
  const base = {
    title: found.letter.title,
    slug: found.letter.slug,
    status: found.status,
    visibility: found.visibility,
    // Shown before the button, so nobody else's edit of this signature can go out unseen.
    name: found.name,
    jobTitle: found.jobTitle,
  };
  if (found.status !== "confirmed") return json({ ...base, verified: null, shareUrl: null }, { headers: noStoreHeaders() });
  const counts = await cachedCounts(context.db, context.cache, found.letter.id);
  // The count is shared and up to a second old; the signer should still find their own signature
  // in it. A count that began loading before this confirmation cannot include it: add it.
  const startedAt = context.cache.startedAt(countsKey(found.letter.id)) ?? Date.now();
  const missesMe = found.confirmedAt !== null && startedAt < found.confirmedAt.getTime();
  return json(
    { ...base, verified: counts.verified + (missesMe ? 1 : 0), shareUrl: `${context.config.appUrl}/letters/${found.letter.slug}` },
    { headers: noStoreHeaders() },
  );
}

/** Confirms (one UPDATE on the common path), then redirects to the GET, which shows the result. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const back = redirect(new URL(request.url).pathname, { status: 303, headers: { "Cache-Control": NO_STORE } });
  if (await confirmSignature(context.db, token)) return back;
  // Nothing changed: say why, or show the result of an earlier confirmation (a second POST is harmless).
  const found = requireUsableToken(await findByConfirmToken(context.db, token), "confirm");
  if (found.status === "pending" && found.letter.status !== "open") {
    throw new Response("This letter closed before your signature was confirmed, so it can no longer be added.", {
      status: 409,
      headers: { "Cache-Control": NO_STORE },
    });
  }
  return back;
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Confirm your signature · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Verify() {
  const { title, slug, status, visibility, name, jobTitle, verified, shareUrl } = useLoaderData<typeof loader>();
  if (status === "confirmed") {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">Your signature is confirmed</h1>
        <p>
          <strong>{title}</strong> now has <strong data-testid="verified-count">{(verified ?? 0).toLocaleString("en")}</strong>{" "}
          verified signatures.
        </p>
        <p>
          {visibility === "public"
            ? "You chose to be named: your name (and job title) appear with the letter."
            : "You chose to sign anonymously: you are counted, and your name was never kept."}
        </p>
        <p>
          Share the letter: <a href={shareUrl ?? `/letters/${slug}`}>{shareUrl}</a>
        </p>
        <p className="muted">Changed your mind? The message you received also holds a link to withdraw, at any time.</p>
      </section>
    );
  }
  if (status !== "pending") {
    return (
      <section className="narrow" aria-labelledby="gone-heading">
        <h1 id="gone-heading">Nothing to confirm</h1>
        <p>This signature was {status === "withdrawn" ? "withdrawn" : "removed"}. To sign again, use the form on the letter.</p>
        <p>
          <Link to={`/letters/${slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="confirm-heading">
      <h1 id="confirm-heading">Confirm your signature</h1>
      <p>
        You are about to add your signature to <strong>{title}</strong>.
      </p>
      {visibility === "public" ? (
        <p data-testid="will-publish">
          It will be shown with your name: <strong>{name}</strong>
          {jobTitle ? `, ${jobTitle}` : ""}.
        </p>
      ) : (
        <p data-testid="will-publish">It will be counted anonymously: no name is shown or kept.</p>
      )}
      <p className="muted">Not what you entered? Do not confirm: sign again on the letter page and use the newest link.</p>
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
