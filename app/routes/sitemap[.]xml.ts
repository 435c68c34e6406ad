import type { LoaderFunctionArgs } from "@remix-run/node";
import { listIndexableLetters } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { PUBLIC_CACHE } from "../utils/http.server";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The home page and every listed, published letter (never drafts, unlisted or taken-down ones). */
export async function loader({ context }: LoaderFunctionArgs) {
  const base = context.config.appUrl;
  const letters = await context.cache.get(cacheKeys.sitemap, () => listIndexableLetters(context.db));
  const urls = [
    `<url><loc>${xml(`${base}/`)}</loc></url>`,
    ...letters.map((l) => `<url><loc>${xml(`${base}/letters/${l.slug}`)}</loc><lastmod>${l.updatedAt.toISOString()}</lastmod></url>`),
  ];
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(body, { headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": PUBLIC_CACHE } });
}
