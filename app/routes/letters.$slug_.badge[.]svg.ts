import type { LoaderFunctionArgs } from "@remix-run/node";
import { BADGE_CSP, badgeSvg } from "../embed.server";
import { publicLetterOrGone } from "../letter-page.server";
import { cachedCounts } from "../models/letter.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await publicLetterOrGone(context, params.slug ?? "");
  if (letter instanceof Response) return letter;
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  return new Response(badgeSvg(counts.verified), {
    headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Content-Security-Policy": BADGE_CSP, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" },
  });
}
