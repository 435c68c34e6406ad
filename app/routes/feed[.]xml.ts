import type { LoaderFunctionArgs } from "@remix-run/node";
import { ATOM_TYPE, newLettersFeed } from "../feeds.server";
import { listLettersPage } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { PUBLIC_CACHE } from "../utils/http.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const { letters } = await context.cache.get(cacheKeys.newLetters, () => listLettersPage(context.db, { sort: "newest", limit: 50 }));
  return new Response(newLettersFeed(letters, context.config.appUrl), {
    headers: { "Content-Type": ATOM_TYPE, "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" },
  });
}
