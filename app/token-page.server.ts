import { NO_STORE } from "./http.server";
import type { TokenLookup } from "./models/signature.server";

/** Unknown token: 404, with a way back to signing. Expired: 410. Thrown, so the error boundary renders it. */
export function requireUsableToken(found: TokenLookup | null, action: "confirm" | "withdraw"): TokenLookup {
  if (!found) {
    throw new Response(
      action === "confirm"
        ? "This confirmation link is not valid. It may have been mistyped or replaced by a newer one: sign again to get a fresh link."
        : "This withdrawal link is not valid. Use the link from your most recent message.",
      { status: 404, headers: { "Cache-Control": NO_STORE } },
    );
  }
  if (action === "confirm" && found.expired) {
    throw new Response("This confirmation link has expired (links work for 72 hours). Sign again to get a fresh one.", {
      status: 410,
      headers: { "Cache-Control": NO_STORE },
    });
  }
  return found;
}

export const noStoreHeaders = () => ({ "Cache-Control": NO_STORE });
