import type { LoaderFunctionArgs } from "@remix-run/node";
import { BADGE_CSP, badgeSvg } from "../embed.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter || letter.takenDown) return new Response("No such letter.", { status: letter ? 410 : 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  return new Response(badgeSvg(counts.verified), {
    headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Content-Security-Policy": BADGE_CSP, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" },
  });
}
