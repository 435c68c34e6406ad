import type { LoaderFunctionArgs } from "@remix-run/node";
import { ATOM_TYPE, letterFeed } from "../feeds.server";
import { publicLetterOrGone } from "../letter-page.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  // A letter taken down keeps no public story: its feed is gone like its text.
  const letter = await publicLetterOrGone(context, params.slug ?? "");
  if (letter instanceof Response) return letter;
  return new Response(letterFeed(letter, context.config.appUrl), {
    headers: { "Content-Type": ATOM_TYPE, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" },
  });
}
