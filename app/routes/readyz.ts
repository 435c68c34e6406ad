import type { LoaderFunctionArgs } from "@remix-run/node";
import { pendingMigrations } from "../../db/migrate";

/**
 * Readiness, for a load balancer or orchestrator: the database answers and has every migration this
 * code expects. (/healthz says only that the process is alive and the database answers.)
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const headers = { "Cache-Control": "no-store", "Content-Type": "text/plain" };
  let pending: string[];
  try {
    pending = await pendingMigrations(context.db);
  } catch {
    return new Response("not ready: database unavailable", { status: 503, headers: { ...headers, "Retry-After": "5" } });
  }
  if (pending.length > 0) {
    return new Response(`not ready: ${pending.length} migration(s) not run (npm run db:migrate)`, { status: 503, headers });
  }
  return new Response("ready", { headers });
}
