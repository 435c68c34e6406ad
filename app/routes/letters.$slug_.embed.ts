import type { LoaderFunctionArgs } from "@remix-run/node";
import { EMBED_CSP, embedHtml } from "../embed.server";
import { publicLetterOrGone } from "../letter-page.server";
import { cachedCounts } from "../models/letter.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await publicLetterOrGone(context, params.slug ?? "");
  if (letter instanceof Response) return letter;
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  const html = embedHtml({
    title: letter.title,
    organization: letter.organization,
    url: `${context.config.appUrl}/letters/${letter.slug}`,
    verified: counts.verified,
    goal: letter.goal,
    status: letter.status,
  });
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": EMBED_CSP, "Cache-Control": PUBLIC_CACHE } });
}
