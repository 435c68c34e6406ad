import { json, type HeadersFunction } from "@remix-run/node";
import type { FormBody } from "../validation";

/** Public reads: a CDN may keep them a few seconds and serve stale while it refreshes. */
export const PUBLIC_CACHE = "public, max-age=5, s-maxage=5, stale-while-revalidate=30";
/** Anything per-visitor or carrying a token. */
export const NO_STORE = "no-store";

export function badRequest<T>(data: T) {
  return json(data, { status: 400, headers: { "Cache-Control": NO_STORE } });
}

export function notFound(message?: string): Response {
  return new Response(message ?? "", { status: 404, headers: { "Cache-Control": NO_STORE } });
}

/**
 * 429 with a wait people can read ("about 4 minutes", not "233 seconds"), saying what was limited:
 * the network (many colleagues behind one office address count together) or the address typed.
 */
export function tooManyRequests(retryAfterSeconds: number, scope: "ip" | "address" = "ip"): Response {
  const who = scope === "address" ? "for this address" : "from your network";
  return new Response(`Too many attempts ${who}. Please wait ${waitInWords(retryAfterSeconds)} and try again; nothing was recorded.`, {
    status: 429,
    headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": NO_STORE },
  });
}

const plural = new Intl.PluralRules("en");

/** 45 → "a minute", 233 → "about 4 minutes", 7200 → "about 2 hours". */
export function waitInWords(seconds: number): string {
  if (seconds <= 60) return "a minute";
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `about ${minutes} ${plural.select(minutes) === "one" ? "minute" : "minutes"}`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} ${plural.select(hours) === "one" ? "hour" : "hours"}`;
}

/**
 * Reads a form body defensively: a malformed or non-form body is a 400, never a 500.
 * URL-encoded forms (what browsers send) are parsed directly, which costs far less than FormData.
 */
export async function readForm(request: Request): Promise<FormBody> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (/^application\/x-www-form-urlencoded/i.test(type)) return new URLSearchParams(await request.text());
    if (/^multipart\/form-data/i.test(type)) return await request.formData();
  } catch {
    throw new Response("The form data could not be read.", { status: 400, headers: { "Cache-Control": NO_STORE } });
  }
  throw new Response("Expected a form submission.", { status: 415, headers: { "Cache-Control": NO_STORE } });
}

/**
 * Every route's `headers`: a thrown response keeps its own headers (Retry-After, no-store); an action
 * answer is per-visitor, so never cached; otherwise the loader decides.
 */
export const routeHeaders: HeadersFunction = ({ loaderHeaders, actionHeaders, errorHeaders }) => {
  if (errorHeaders && errorHeaders.get("Cache-Control")) return errorHeaders;
  if (actionHeaders.get("Cache-Control")) return { "Cache-Control": NO_STORE };
  return { "Cache-Control": loaderHeaders.get("Cache-Control") ?? NO_STORE };
};
