import path from "node:path";
import zlib from "node:zlib";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { hmac } from "../app/utils/crypto.server";
import { serveMetrics } from "../app/utils/metrics.server";
import type { Services } from "../app/utils/services.server";
import { withDatabaseOutageAs503 } from "./outage";
import { pageCache } from "./page-cache";
import { routePatternMatcher } from "./route-pattern";

/** Forms are small; anything bigger is not a form we serve. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface AppOptions {
  /** True once the process is shutting down: keep-alive clients are told to reconnect elsewhere. */
  closing?: () => boolean;
}

export function createApp(build: ServerBuild, services: Services, { closing = () => false }: AppOptions = {}): express.Express {
  const { config } = services;
  const app = express();
  app.disable("x-powered-by");
  // Remix reads the URL itself; Express need not parse every query string.
  app.set("query parser", false);
  app.set("trust proxy", config.trustProxy || false);
  const routeOf = routePatternMatcher(build);
  const appOrigin = config.appUrl;

  // One JSON line per request, by route pattern: never the URL (tokens live in paths) nor a query string.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = routeOf(req.path);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      services.log("info", { event: "request", method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 });
      services.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      services.metrics.httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  });

  // HTML, JSON, CSS and JavaScript go out compressed (brotli, or gzip): what a phone on a slow
  // network downloads. Tiny bodies are not worth it. Brotli's default 4 MB window is allocated (and
  // zeroed) per response; ours are far smaller, and a small window makes the same bytes at a fraction
  // of the CPU and memory. The bundles under /build are the same bytes for every visitor and cached
  // for a year: quality 4. Pages and JSON are made per request: quality 1, which costs next to
  // nothing and gives up about a tenth of the saving (a 21.6 KB dashboard: 5.5 KB at 4, 6.2 KB at 1;
  // at 4 the compression was a quarter of that page's CPU).
  const { BROTLI_PARAM_QUALITY: QUALITY, BROTLI_PARAM_LGWIN: LGWIN } = zlib.constants;
  const compressAssets = compression({ threshold: 1024, brotli: { params: { [QUALITY]: 4, [LGWIN]: 18 } } });
  const compressPages = compression({ threshold: 1024, brotli: { params: { [QUALITY]: 1, [LGWIN]: 16 } } });
  app.use((req, res, next) => (req.path.startsWith("/build/") ? compressAssets : compressPages)(req, res, next));

  app.get("/metrics", async (req, res) => {
    const answer = await serveMetrics(services.metrics, config.metricsToken, req.get("authorization"));
    res.status(answer.status).set(answer.headers).send(answer.body);
  });

  // Headers for every response. The Content-Security-Policy, with its per-document nonce, is set by
  // app/entry.server.tsx on the HTML it renders.
  app.use((req, res, next) => {
    if (closing()) res.setHeader("Connection", "close");
    res.setHeader("X-Content-Type-Options", "nosniff");
    // Token pages must not leak their URL to anything they link to.
    res.setHeader("Referrer-Policy", "no-referrer");
    // The embed is the one page other sites may frame (its CSP says frame-ancestors *).
    if (!EMBED_PAGE.test(req.path)) res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (config.secureCookies) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    next();
  });

  // Pages that belong to one person (a token, a session, a sign-in) are never indexed, even if a
  // link to them leaks; each also says so in a meta tag.
  app.use((req, res, next) => {
    if (PRIVATE_PAGES.test(req.path)) res.setHeader("X-Robots-Tag", "noindex, nofollow");
    next();
  });

  // Forms and pages need these four; TRACE, PUT, DELETE and the rest are refused before anything runs.
  app.use((req, res, next) => {
    if (ALLOWED_METHODS.has(req.method)) return next();
    res.setHeader("Allow", [...ALLOWED_METHODS].join(", "));
    res.status(405).type("text/plain").send("Method not allowed.");
  });

  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    // Cross-site writes are refused before anything else runs. Browsers say where a request came
    // from in Sec-Fetch-Site; older ones only send Origin, which must then be APP_URL's.
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const crossSite = site ? site !== "same-origin" && site !== "none" : Boolean(origin && origin !== appOrigin);
    if (crossSite && !ONE_CLICK_UNSUBSCRIBE.test(req.path)) {
      res.status(403).type("text/plain").send("Cross-site request refused.");
      return;
    }
    // Decided. Our pages are no-referrer, so browsers send `Origin: null` on same-origin form posts,
    // which Remix's own Host/Origin comparison would turn into a 500: it must not second-guess us.
    delete req.headers.origin;
    const length = Number(req.get("content-length") ?? "0");
    if (length > MAX_BODY_BYTES) {
      res.status(413).type("text/plain").send("Request body too large.");
      return;
    }
    if (req.get("transfer-encoding") && !req.get("content-length")) {
      res.status(411).type("text/plain").send("Content-Length required.");
      return;
    }
    next();
  });

  const publicDir = path.resolve(build.assetsBuildDirectory, "..");
  app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
  // Only file names go to the disk: a page or API path is never stat()ed first.
  const files = express.static(publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? files(req, res, next) : next()));

  const served = withDatabaseOutageAs503(build);
  const handler = createRequestHandler({
    build: served,
    mode: config.production ? "production" : "development",
    getLoadContext: (req) => {
      const context = { ...services } as AppLoadContext;
      // Only actions that rate-limit read it: no HMAC for every page view.
      let ipHash: string | undefined;
      Object.defineProperty(context, "ipHash", {
        get: () => (ipHash ??= hmac(services.keys.ipHash, req.ip ?? req.socket.remoteAddress ?? "unknown")),
      });
      return context;
    },
  });
  if (config.pageCache) app.use(pageCache(served, services, () => ({ ...services, ipHash: "" }) as AppLoadContext));
  app.all("*", (req, res, next) => {
    // Paths with broken percent-encoding cannot name any page.
    try {
      decodeURIComponent(req.path);
    } catch {
      res.status(400).type("text/plain").send("Malformed URL.");
      return;
    }
    return handler(req, res, next);
  });

  // Express's own errors (a path its router or static files cannot decode, a body it cannot read)
  // answer with their status and a plain sentence. The default handler would print the stack, and
  // the path with it, which may hold a token.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (error instanceof URIError || status === 400) {
      res.status(400).type("text/plain").send("Malformed URL.");
      return;
    }
    services.log("error", { event: "unhandled_error", error: error instanceof Error ? error.name : "unknown" });
    res.status(500).type("text/plain").send("Something went wrong on our side.");
  });

  return app;
}

const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST", "OPTIONS"]);
/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs from its own servers, from no page of
 * ours. The token in the path is the only authority needed, so no cross-site check applies.
 */
const EMBED_PAGE = /^\/letters\/[^/]+\/embed$/;
const ONE_CLICK_UNSUBSCRIBE = /^\/news\/unsubscribe\/[A-Za-z0-9_-]+$/;
/** Check-inbox, confirm and withdraw pages, sign-in links, and everything organizers see (not the sign-in form). */
const PRIVATE_PAGES = /^\/(?:verify|withdraw|dashboard|dev|admin|news)(?:\/|$)|^\/login\/|^\/letters\/[^/]+\/(?:check-inbox|report)\/?$/i;
