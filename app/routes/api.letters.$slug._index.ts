import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { takenDownMessage } from "../letter-page.server";
import { cachedCounts, cachedPublicLetter } from "../models/letter.server";
import { renderMarkdown } from "../utils/markdown.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) return publicJson({ error: "not found" }, 404);
  if (letter.takenDown) {
    return publicJson({ slug: letter.slug, status: "taken-down", takenDown: letter.takenDown, message: takenDownMessage(letter.takenDown) }, 410);
  }
  const counts = await cachedCounts(context.db, context.cache, letter.id);
  const url = `${context.config.appUrl}/letters/${letter.slug}`;
  return publicJson({
    slug: letter.slug,
    title: letter.title,
    organization: letter.organization,
    addressee: letter.addressee,
    organizedBy: letter.organizerName || null,
    contact: letter.contactEmail,
    status: letter.status,
    body: { markdown: letter.body, html: renderMarkdown(letter.body) },
    demands: letter.demands,
    goal: letter.goal,
    signatures: counts,
    revealThreshold: letter.revealThreshold,
    // Everyone signed this exact text: the fingerprint of the published version.
    versionHash: letter.versionHash,
    publishedAt: letter.publishedAt,
    closesAt: letter.closesAt,
    closedAt: letter.closedAt,
    delivery: letter.deliveredAt ? { at: letter.deliveredAt, to: letter.deliveredTo } : null,
    response: letter.responseText ? { text: letter.responseText, at: letter.responseAt } : null,
    updates: letter.updates.map((u) => ({ id: u.id, body: u.body, html: renderMarkdown(u.body), createdAt: u.createdAt })),
    url,
    links: {
      signers: `/api/letters/${letter.slug}/signers`,
      feed: `${url}/feed.xml`,
      embed: `${url}/embed`,
      badge: `${url}/badge.svg`,
    },
    updatedAt: letter.updatedAt,
  });
}
