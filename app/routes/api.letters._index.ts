import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { listPublicLetters } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const letters = await context.cache.get(cacheKeys.home, () => listPublicLetters(context.db));
  return publicJson({
    letters: letters.map((l) => ({ slug: l.slug, title: l.title, organization: l.organization, status: l.status, goal: l.goal, signatures: { verified: l.verified } })),
  });
}
