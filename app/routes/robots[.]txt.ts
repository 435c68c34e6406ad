import type { LoaderFunctionArgs } from "@remix-run/node";
import { PUBLIC_CACHE } from "../utils/http.server";

/** Crawlers may read letters and the home page; nothing that belongs to one person. */
export function loader({ context }: LoaderFunctionArgs) {
  const body = [
    "User-agent: *",
    "Disallow: /verify/",
    "Disallow: /withdraw/",
    "Disallow: /login/",
    "Disallow: /dashboard",
    "Disallow: /admin",
    "Disallow: /dev/",
    "Disallow: /letters/*/check-inbox",
    "Disallow: /letters/*/report",
    "Allow: /",
    "",
    `Sitemap: ${context.config.appUrl}/sitemap.xml`,
    "",
  ].join("\n");
  return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": PUBLIC_CACHE } });
}
