import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { notFound, PUBLIC_CACHE, routeHeaders } from "../http.server";
import { cachedPublicLetter } from "../models/letter.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  // Nothing here depends on who signed: every signer, new or not, lands on this same page.
  return json({ slug: letter.slug, title: letter.title }, { headers: { "Cache-Control": PUBLIC_CACHE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Check your inbox · Undersigned" }];

export default function CheckInbox() {
  const { slug, title } = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="check-heading">
      <h1 id="check-heading">Check your inbox</h1>
      <p>
        If that address can sign <strong>{title}</strong>, a message is on its way to it. Open the link inside and press
        the button on the page to confirm. Nothing is counted until you do.
      </p>
      <p>
        The message has a neutral subject and does not name the letter. The link works for 72 hours. If nothing arrives
        in a few minutes, look in your spam folder.
      </p>
      <p>
        <Link to={`/letters/${slug}`}>Back to the letter</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
