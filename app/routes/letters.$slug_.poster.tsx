import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requireNotTakenDown } from "../letter-page.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";
import { PUBLIC_CACHE, routeHeaders } from "../utils/http.server";
import { letterQrSvg } from "../poster.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw new Response("Not found", { status: 404 });
  requireNotTakenDown(letter);
  const url = `${context.config.appUrl}/letters/${letter.slug}`;
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  return json(
    {
      title: letter.title,
      addressee: letter.addressee,
      organization: letter.organization,
      demands: letter.demands.map((d) => d.text),
      open: letter.status === "open",
      verified: counts.verified,
      slug: letter.slug,
      url,
      qr: await letterQrSvg(url),
    },
    { headers: { "Cache-Control": PUBLIC_CACHE } },
  );
}

export const headers = routeHeaders;
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Poster: ${data?.title ?? "letter"} · Undersigned` },
  { name: "description", content: "A printable poster of the letter, with a QR code to read and sign it." },
  { name: "robots", content: "noindex" },
];

/** For break rooms and notice boards: one A4 page, the demands, a QR code and the address in words. */
export default function Poster() {
  const data = useLoaderData<typeof loader>();
  return (
    <article className="poster" aria-labelledby="poster-title">
      <p className="no-print muted">
        Print this page (A4 or Letter, portrait). <Link to={`/letters/${data.slug}`}>Back to the letter</Link>
      </p>
      <p className="eyebrow">An open letter from employees of {data.organization}</p>
      <h1 id="poster-title">{data.title}</h1>
      <p>To {data.addressee}</p>
      {data.demands.length ? (
        <ol className="poster-demands">{data.demands.map((d, i) => <li key={i}>{d}</li>)}</ol>
      ) : null}
      <div className="poster-sign">
        <div className="poster-qr" role="img" aria-label={`QR code for ${data.url}`} dangerouslySetInnerHTML={{ __html: data.qr }} />
        <div>
          <p className="poster-call">{data.open ? "Scan to read and sign" : "Scan to read the letter"}</p>
          <p>
            or type <strong className="poster-url">{data.url.replace(/^https?:\/\//, "")}</strong>
          </p>
          <p className="muted">
            {data.verified.toLocaleString("en-US")} verified {data.verified === 1 ? "signature" : "signatures"} so far. Signing needs your work
            email; you choose whether your name is shown.
          </p>
        </div>
      </div>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
