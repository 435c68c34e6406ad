import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { namedSignerPage, takenDownMessage, signerRange, SIGNERS_PER_PAGE } from "../letter-page.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";

/** Named signers only (anonymous signers have no name to give), and none before the reveal threshold. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) return publicJson({ error: "not found" }, 404);
  if (letter.takenDown) {
    return publicJson({ slug: letter.slug, status: "taken-down", takenDown: letter.takenDown, message: takenDownMessage(letter.takenDown) }, 410);
  }
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  let range;
  try {
    range = signerRange(request);
  } catch {
    return publicJson({ error: "no such page" }, 404);
  }
  const named = await namedSignerPage(context, letter, counts.public, range);
  if (!named) return publicJson({ error: "no such page" }, 404);
  // Pages are read by keyset: follow `next` (or `previous`) rather than counting pages.
  const link = (param: string, cursor: string | null) => (cursor ? `/api/letters/${letter.slug}/signers?${param}=${cursor}` : null);
  return publicJson({
    perPage: SIGNERS_PER_PAGE,
    signers: named.signers,
    hidden: named.hidden,
    revealThreshold: letter.revealThreshold,
    next: link("after", named.next),
    previous: link("before", named.previous),
  });
}
