import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { listPublicLetters } from "../models/letter.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const letters = await context.cache.get("home", () => listPublicLetters(context.db, context.cache));
  return publicJson({
    letters: letters.map((l) => ({ slug: l.slug, title: l.title, organization: l.organization, status: l.status, goal: l.goal, signatures: { verified: l.verified } })),
  });
}
