import { json } from "@remix-run/node";
import { PUBLIC_CACHE } from "./utils/http.server";

/** Public, read-only JSON: any site may read it (CORS open), any CDN may keep it a few seconds. */
export function publicJson(data: unknown, status = 200) {
  return json(data, {
    status,
    headers: {
      "Cache-Control": status === 200 ? PUBLIC_CACHE : "no-store",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
