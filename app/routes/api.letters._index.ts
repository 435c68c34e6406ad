import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { encodeLetterCursor, LETTER_SORTS, listLettersPage, parseLetterCursor, type LetterSort } from "../models/letter.server";

const MAX_LIMIT = 100;

/** Listed letters, newest first (or `sort=signed|open`); `q` searches title and organization; follow `next` for more. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const after = parseLetterCursor(params.get("after"));
  if (after === "invalid") return publicJson({ error: "invalid cursor: follow the `next` link of a previous page" }, 400);
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? 50 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return publicJson({ error: `limit must be a whole number from 1 to ${MAX_LIMIT}` }, 400);
  const sort = (params.get("sort") ?? "newest") as LetterSort;
  if (!LETTER_SORTS.includes(sort)) return publicJson({ error: `sort must be one of ${LETTER_SORTS.join(", ")}` }, 400);
  const q = (params.get("q") ?? "").slice(0, 100);
  const page = await listLettersPage(context.db, { q, sort, after, limit });
  const appUrl = context.config.appUrl;
  const next = page.next
    ? `/api/letters?${new URLSearchParams({ ...(q ? { q } : {}), ...(sort !== "newest" ? { sort } : {}), ...(rawLimit ? { limit: String(limit) } : {}), after: encodeLetterCursor(page.next) })}`
    : null;
  return publicJson({
    letters: page.letters.map((l) => ({
      slug: l.slug,
      title: l.title,
      organization: l.organization,
      status: l.status,
      goal: l.goal,
      signatures: { verified: l.verified },
      publishedAt: l.publishedAt,
      closesAt: l.closesAt,
      excerpt: l.excerpt,
      url: `${appUrl}/letters/${l.slug}`,
    })),
    next,
  });
}
