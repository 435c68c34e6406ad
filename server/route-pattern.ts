import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";

/** Maps a request path to its Remix route pattern (`/verify/:token`), so logs never carry a token. */
export function routePatternMatcher(build: ServerBuild): (pathname: string) => string {
  const routes = Object.values(build.routes);
  const childrenOf = (parentId: string | undefined): AgnosticRouteObject[] =>
    routes
      .filter((r) => r.parentId === parentId)
      .map((r) => (r.index ? { id: r.id, index: true, path: r.path } : { id: r.id, path: r.path, children: childrenOf(r.id) }));
  const tree = childrenOf(undefined);
  return (pathname) => {
    try {
      const matches = matchRoutes(tree, pathname);
      if (!matches) return "(no route)";
      return `/${matches.map((m) => m.route.path).filter(Boolean).join("/")}`.replace(/\/+/g, "/");
    } catch {
      return "(unparseable)";
    }
  };
}
