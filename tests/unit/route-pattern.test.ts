import { describe, expect, it } from "vitest";
import { routePatternMatcher } from "../../server/route-pattern";
import { loadBuild } from "../helpers/app";

describe("route patterns in logs", () => {
  it.each([
    ["/", "/"],
    ["/letters/demo", "/letters/:slug"],
    ["/letters/new", "/letters/new"],
    ["/letters/demo/check-inbox", "/letters/:slug/check-inbox"],
    ["/verify/abcDEF123_-", "/verify/:token"],
    ["/withdraw/abc", "/withdraw/:token"],
    ["/login/abc", "/login/:token"],
    ["/login", "/login"],
    ["/dashboard", "/dashboard"],
    ["/dashboard/letters/12/preview", "/dashboard/letters/:id/preview"],
    ["/api/letters/demo/signers", "/api/letters/:slug/signers"],
    ["/api/letters", "/api/letters"],
    ["/no/such/thing", "(no route)"],
  ])("%s → %s", async (path, pattern) => {
    expect(routePatternMatcher(await loadBuild())(path)).toBe(pattern);
  });
});
