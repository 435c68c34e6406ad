import { randomBytes } from "node:crypto";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type express from "express";
import { contentSecurityPolicy } from "../app/utils/csp.server";
import { parseCursor } from "../app/models/counts.server";
import { cacheKeys } from "../app/models/read-cache.server";
import type { Services } from "../app/utils/services.server";

/** The public pages worth keeping rendered: the home page, a letter, and its pages of named signers. */
const CACHEABLE = /^\/(?:letters\/[a-z0-9-]{1,120})?$/;

/** No query string, or exactly one signer-page cursor (the shape parseCursor accepts). */
function cacheableQuery(query: string): boolean {
  if (!query) return true;
  const params = [...new URLSearchParams(query)];
  if (params.length !== 1) return false;
  const [name, value] = params[0]!;
  return (name === "after" || name === "before") && query === `?${name}=${value}` && parseCursor(value) !== "invalid";
}
const NONCE = /'nonce-([A-Za-z0-9+/=]+)'/;

interface RenderedPage {
  status: number;
  headers: [string, string][];
  body: string;
  /** The nonce the page was rendered with: every response swaps in a fresh one. */
  nonce: string | null;
}

/**
 * Serves anonymous GETs of the busiest public pages from a rendered-HTML cache (services.pageCache,
 * about a second, invalidated with the letter). Only requests without cookies, and no query string
 * but a signer-page cursor: nothing per visitor can be in them. Each response gets a fresh CSP nonce, swapped into the
 * cached HTML, so no two visitors share one.
 */
export function pageCache(build: ServerBuild, services: Services, loadContext: () => AppLoadContext): express.RequestHandler {
  const render = createRequestHandler(build, services.config.production ? "production" : "development");
  const origin = services.config.appUrl;

  const renderPage = async (pathname: string, userAgent: string): Promise<RenderedPage> => {
    const response = await render(new Request(origin + pathname, { headers: { "user-agent": userAgent, accept: "text/html" } }), loadContext());
    const body = await response.text();
    const headers = [...response.headers].filter(([name]) => name !== "content-length" && name !== "content-security-policy");
    return { status: response.status, headers, body, nonce: NONCE.exec(response.headers.get("content-security-policy") ?? "")?.[1] ?? null };
  };

  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const query = req.url.slice(req.path.length);
    if (req.headers.cookie || !CACHEABLE.test(req.path) || !cacheableQuery(query) || (query && req.path === "/")) return next();
    const key = cacheKeys.html(req.url);
    services.pageCache
      .get(key, () => renderPage(req.url, req.get("user-agent") ?? ""))
      .then((page) => {
        // A failure is not kept: the next visitor gets a fresh attempt.
        if (page.status >= 500) services.pageCache.delete(key);
        const nonce = randomBytes(16).toString("base64");
        for (const [name, value] of page.headers) res.setHeader(name, value);
        if (page.nonce) res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
        res.status(page.status).send(page.nonce ? page.body.replaceAll(page.nonce, nonce) : page.body);
      })
      .catch(next);
  };
}
