import type { ServerBuild } from "@remix-run/node";

/**
 * Maps a request path to its Remix route pattern (`/verify/:token`), so logs never carry a token.
 * Patterns are compiled once; matching is a few regex tests, not a route-tree ranking per request.
 */
export function routePatternMatcher(build: ServerBuild): (pathname: string) => string {
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const route = routes[id]!;
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  const patterns = Object.keys(routes)
    .filter((id) => !Object.values(routes).some((r) => r.parentId === id) || routes[id]!.index)
    .map((id) => `/${fullPath(id)}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1"))
    .map((pattern) => {
      const segments = pattern.split("/").filter(Boolean);
      const dynamic = segments.filter((s) => s.startsWith(":") || s === "*").length;
      const source = segments.map((s) => (s === "*" ? ".*" : s.startsWith(":") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      return { pattern, dynamic, regex: new RegExp(`^/${source.join("/")}/?$`, "i") };
    })
    // Static segments win over dynamic ones, as in Remix's own ranking.
    .sort((a, b) => a.dynamic - b.dynamic);
  return (pathname) => patterns.find((p) => p.regex.test(pathname))?.pattern ?? "(no route)";
}
