import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { namedSignerPage, takenDownMessage, pageParam, signerPageExists, SIGNERS_PER_PAGE } from "../letter-page.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";

/** Named signers only (anonymous signers have no name to give), and none before the reveal threshold. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) return publicJson({ error: "not found" }, 404);
  if (letter.takenDown) {
    return publicJson({ slug: letter.slug, status: "taken-down", takenDown: letter.takenDown, message: takenDownMessage(letter.takenDown) }, 410);
  }
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  const page = pageParam(request);
  if (!signerPageExists(page, counts.public)) return publicJson({ error: "no such page" }, 404);
  const named = await namedSignerPage(context, letter, counts.public, page);
  return publicJson({
    page,
    perPage: SIGNERS_PER_PAGE,
    signers: named.signers,
    hidden: named.hidden,
    revealThreshold: letter.revealThreshold,
    nextPage: named.hasNextPage ? page + 1 : null,
  });
}
