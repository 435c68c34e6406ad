import { createCookie, json, type AppLoadContext, type Cookie } from "@remix-run/node";
import { sha256 } from "./utils/crypto.server";
import { NO_STORE } from "./utils/http.server";

export const noStoreHeaders = () => ({ "Cache-Control": NO_STORE, "X-Robots-Tag": "noindex" });

/** An unknown token: nothing to say about it, not even which letter. */
export function unknownLink(): Response {
  return new Response("This link is not valid. It may have been mistyped: use the link in your message as it is.", {
    status: 404,
    headers: noStoreHeaders(),
  });
}

/**
 * A link that has done its job (used, expired, replaced, withdrawn, invalidated) shows the same
 * thing whatever happened: mail scanners keep URLs and employers read work inboxes.
 */
export function spentLink(slug: string) {
  return json({ state: "spent" as const, slug }, { status: 410, headers: noStoreHeaders() });
}

export type TokenPage = "verify" | "withdraw";
const cookies = new Map<string, Cookie>();
/** The result is shown to the browser that acted for this long, and to nobody else. */
export const RESULT_COOKIE_SECONDS = 15 * 60;

/**
 * A signed, short-lived cookie, scoped to the one page kind, naming the link this browser has just
 * used (and when). Whoever opens the link later, without it, sees the neutral page.
 */
function resultCookie({ config }: Pick<AppLoadContext, "config">, page: TokenPage): Cookie {
  const key = `${page}:${config.secureCookies}:${config.sessionSecret}`;
  let cookie = cookies.get(key);
  if (!cookie) {
    cookie = createCookie(config.secureCookies ? `__Secure-undersigned_${page}` : `undersigned_${page}`, {
      httpOnly: true,
      sameSite: "strict",
      secure: config.secureCookies,
      path: `/${page}/`,
      maxAge: RESULT_COOKIE_SECONDS,
      secrets: [config.sessionSecret],
    });
    cookies.set(key, cookie);
  }
  return cookie;
}

export async function rememberResult(context: Pick<AppLoadContext, "config">, page: TokenPage, token: string): Promise<string> {
  return resultCookie(context, page).serialize({ link: sha256(token), at: Date.now() });
}

/** When this browser used this very link, if it did within the last minutes. */
export async function resultFor(
  request: Request,
  context: Pick<AppLoadContext, "config">,
  page: TokenPage,
  token: string,
): Promise<{ at: number } | null> {
  const value = (await resultCookie(context, page).parse(request.headers.get("Cookie"))) as { link?: unknown; at?: unknown } | null;
  if (!value || value.link !== sha256(token) || typeof value.at !== "number") return null;
  return Date.now() - value.at < RESULT_COOKIE_SECONDS * 1000 ? { at: value.at } : null;
}
