import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicLetterOrGone } from "../letter-page.server";
import { cachedCounts } from "../models/letter.server";
import { cachedShareImage } from "../share-image.server";

/** The letter's share picture (og:image): PNG, 1200 × 630, remade at most once a minute. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await publicLetterOrGone(context, params.slug ?? "");
  if (letter instanceof Response) return letter;
  const png = await cachedShareImage(letter.id, async () => {
    const counts = await cachedCounts(context.db, context.cache, letter.id);
    return { title: letter.title, organization: letter.organization, verified: counts.verified, goal: letter.goal, status: letter.status };
  });
  return new Response(new Uint8Array(png), {
    headers: {
      "Content-Type": "image/png",
      "Content-Length": String(png.length),
      "Cache-Control": "public, max-age=300, stale-while-revalidate=3600",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
