import { createCookie, redirect, type AppLoadContext, type Cookie } from "@remix-run/node";
import type { Letter } from "../db/schema";
import { isOperator } from "./models/moderation.server";
import { createSession, deleteSession, findSessionLetter, findSessionOrganizer, SESSION_DAYS } from "./models/session.server";
import { cacheKeys, forgetSessions } from "./models/read-cache.server";
import { sha256 } from "./utils/crypto.server";
import { NO_STORE, notFound } from "./utils/http.server";

const cookies = new Map<string, Cookie>();

/** `__Host-` prefixed and Secure when APP_URL is https; always HttpOnly and SameSite=Lax. */
function sessionCookie({ config }: Pick<AppLoadContext, "config">): Cookie {
  const key = `${config.secureCookies}:${config.sessionSecret}`;
  let cookie = cookies.get(key);
  if (!cookie) {
    cookie = createCookie(config.secureCookies ? "__Host-undersigned_session" : "undersigned_session", {
      httpOnly: true,
      sameSite: "lax",
      secure: config.secureCookies,
      path: "/",
      maxAge: SESSION_DAYS * 86_400,
      secrets: [config.sessionSecret],
    });
    cookies.set(key, cookie);
  }
  return cookie;
}

async function sessionToken(request: Request, context: Pick<AppLoadContext, "config">): Promise<string | null> {
  const value = await sessionCookie(context).parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

export async function currentOrganizer(request: Request, context: AppLoadContext): Promise<string | null> {
  const token = await sessionToken(request, context);
  return token ? findSessionOrganizer(context.db, token) : null;
}

/** Organizer pages: a visitor without a session goes to the login page. */
export async function requireOrganizer(request: Request, context: AppLoadContext): Promise<string> {
  const organizerId = await currentOrganizer(request, context);
  if (!organizerId) throw redirect("/login", { headers: { "Cache-Control": NO_STORE } });
  return organizerId;
}

export async function startSession(context: AppLoadContext, organizerId: string, to: string): Promise<Response> {
  const token = await createSession(context.db, organizerId);
  return redirect(to, {
    status: 303,
    headers: { "Set-Cookie": await sessionCookie(context).serialize(token), "Cache-Control": NO_STORE },
  });
}

export async function endSession(request: Request, context: AppLoadContext): Promise<Response> {
  const token = await sessionToken(request, context);
  if (token) {
    await deleteSession(context.db, token);
    forgetSessions(context.cache, sha256(token));
  }
  return redirect("/", {
    status: 303,
    headers: { "Set-Cookie": await sessionCookie(context).serialize("", { maxAge: 0 }), "Cache-Control": NO_STORE },
  });
}

/** Every organizer page and action starts here: a session, and membership of this letter, or 404. */
export async function requireLetter(
  request: Request,
  context: AppLoadContext,
  letterId: string | undefined,
  /** Exports (they hand data over and write the audit log): always ask the database. */
  { fresh = false }: { fresh?: boolean } = {},
): Promise<{ organizerId: string; letter: Letter }> {
  // Not a letter id at all: whoever asks, there is no such page (after the sign-in check).
  if (!/^\d{1,18}$/.test(letterId ?? "")) {
    await requireOrganizer(request, context);
    throw notFound();
  }
  // One spelling per letter ("007" is letter 7), so that clearing letter 7's reads clears this one.
  const id = BigInt(letterId!).toString();
  const token = await sessionToken(request, context);
  const found = token ? await sessionLetter(request, context, token, id, fresh) : null;
  if (!found) throw redirect("/login", { headers: { "Cache-Control": NO_STORE } });
  if (!found.letter) throw notFound();
  return { organizerId: found.organizerId, letter: found.letter };
}

/**
 * Reads (GET, HEAD) share a session's access to a letter for a second (the read cache's time to
 * live), in this process: an organizer watching a viral letter, or a team of them, costs one lookup
 * a second instead of one per view. Only access granted is kept (an invitation accepted a moment
 * ago works at once). Writes and exports always ask the database. Logging out, a suspension and every action on
 * the letter (removing an organizer among them) clear it here; another web process may let a
 * removed organizer read the dashboard for at most that second (see docs/decisions/012).
 */
async function sessionLetter(request: Request, context: AppLoadContext, token: string, letterId: string, fresh: boolean) {
  if (fresh || (request.method !== "GET" && request.method !== "HEAD")) return findSessionLetter(context.db, token, letterId);
  const key = cacheKeys.session(letterId, sha256(token));
  const found = await context.cache.get(key, () => findSessionLetter(context.db, token, letterId));
  if (!found?.letter) context.cache.delete(key);
  return found;
}

/** The operators' pages: an organizer session whose address is one of OPERATOR_EMAILS, or 404. */
export async function requireOperator(request: Request, context: AppLoadContext): Promise<string> {
  const organizerId = await requireOrganizer(request, context);
  if (!(await isOperator(context.db, context.keys, context.config.operatorEmails, organizerId))) throw notFound();
  return organizerId;
}
