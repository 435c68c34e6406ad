import type { LoaderFunctionArgs } from "@remix-run/node";
import { ATOM_TYPE, letterFeed } from "../feeds.server";
import { cachedPublicLetter } from "../models/letter.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  // A letter taken down keeps no public story: its feed is gone like its text.
  if (!letter || letter.takenDown) return new Response("No such letter.", { status: letter ? 410 : 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(letterFeed(letter, context.config.appUrl), {
    headers: { "Content-Type": ATOM_TYPE, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" },
  });
}
