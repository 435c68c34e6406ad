import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ShareBlock } from "../components/share-block";
import { requireLetter } from "../auth.server";
import { NO_STORE, routeHeaders } from "../utils/http.server";

/** Where publishing ends: the letter's address, a way to share it, and what to do next. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  if (letter.status === "draft") throw redirect(`/dashboard/letters/${letter.id}`);
  return json(
    { id: letter.id, slug: letter.slug, title: letter.title, url: `${context.config.appUrl}/letters/${letter.slug}`, fingerprint: letter.version_hash },
    { headers: { "Cache-Control": NO_STORE } },
  );
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Your letter is live · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Live() {
  const data = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="live-heading">
      <h1 id="live-heading">Your letter is live</h1>
      <p>
        <strong>{data.title}</strong> is published at <Link to={`/letters/${data.slug}`}>{data.url}</Link>. Its text is frozen
        (fingerprint <code>{data.fingerprint?.slice(0, 12)}</code>).
      </p>
      <ShareBlock url={data.url} title={data.title} heading="Share it with your colleagues" />
      <h2>Next</h2>
      <ul>
        <li><Link to={`/letters/${data.slug}/poster`}>Print a poster</Link> with a QR code for notice boards and break rooms.</li>
        <li>Ask colleagues to sign with their <strong>work</strong> address; remind them they choose whether their name is shown.</li>
        <li>Post updates from <Link to={`/dashboard/letters/${data.id}`}>the letter's page</Link>: everyone who asked for news is emailed.</li>
        <li>On hand-over day, print the <Link to={`/dashboard/letters/${data.id}/packet`}>delivery packet</Link>.</li>
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
