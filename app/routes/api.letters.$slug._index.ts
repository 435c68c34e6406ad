import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { takenDownMessage } from "../letter-page.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) return publicJson({ error: "not found" }, 404);
  if (letter.takenDown) {
    return publicJson({ slug: letter.slug, status: "taken-down", takenDown: letter.takenDown, message: takenDownMessage(letter.takenDown) }, 410);
  }
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  return publicJson({
    slug: letter.slug,
    title: letter.title,
    organization: letter.organization,
    addressee: letter.addressee,
    status: letter.status,
    demands: letter.demands,
    goal: letter.goal,
    signatures: counts,
    revealThreshold: letter.revealThreshold,
    delivery: letter.deliveredAt ? { at: letter.deliveredAt, to: letter.deliveredTo } : null,
    response: letter.responseText ? { text: letter.responseText, at: letter.responseAt } : null,
    updates: letter.updates,
    url: `${context.config.appUrl}/letters/${letter.slug}`,
    updatedAt: letter.updatedAt,
  });
}
