import type { ServerBuild } from "@remix-run/node";

// Errors that mean "the database is not there right now" (pg connection errors, PostgreSQL admin
// shutdown / cannot-connect classes), as opposed to a bug.
const OUTAGE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"]);

export function isDatabaseOutage(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code && OUTAGE_CODES.has(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e.message ?? "",
  );
}

type Fn = (args: any) => Promise<unknown>;

function guard(fn: Fn | undefined): Fn | undefined {
  if (!fn) return fn;
  return async (args) => {
    try {
      return await fn(args);
    } catch (error) {
      if (isDatabaseOutage(error)) {
        throw new Response("The service is briefly unavailable. Please try again in a moment.", {
          status: 503,
          headers: { "Retry-After": "5", "Cache-Control": "no-store" },
        });
      }
      throw error;
    }
  };
}

/** Wraps every loader and action once, so a database outage is a 503 everywhere, not a 500. */
export function withDatabaseOutageAs503(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    routes[id] = {
      ...route,
      module: { ...route.module, loader: guard(route.module.loader as Fn), action: guard(route.module.action as Fn) } as typeof route.module,
    };
  }
  return { ...build, routes };
}
