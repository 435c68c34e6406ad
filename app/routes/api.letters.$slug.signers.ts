import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { namesRevealed, pageParam, SIGNERS_PER_PAGE } from "../letter-page.server";
import { listNamedSigners } from "../models/counts.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";

/** Named signers only (anonymous signers have no name to give), and none before the reveal threshold. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) return publicJson({ error: "not found" }, 404);
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  const page = pageParam(request);
  if (page > Math.max(1, Math.ceil(counts.public / SIGNERS_PER_PAGE))) return publicJson({ error: "no such page" }, 404);
  if (!namesRevealed(letter.revealThreshold, counts.public)) {
    return publicJson({ page, perPage: SIGNERS_PER_PAGE, signers: [], hidden: true, revealThreshold: letter.revealThreshold, nextPage: null });
  }
  const rows = await listNamedSigners(context.db, letter.id, (page - 1) * SIGNERS_PER_PAGE, SIGNERS_PER_PAGE + 1);
  return publicJson({
    page,
    perPage: SIGNERS_PER_PAGE,
    signers: rows.slice(0, SIGNERS_PER_PAGE),
    hidden: false,
    revealThreshold: letter.revealThreshold,
    nextPage: rows.length > SIGNERS_PER_PAGE ? page + 1 : null,
  });
}
