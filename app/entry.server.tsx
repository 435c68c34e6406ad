import { randomBytes } from "node:crypto";
import { type AppLoadContext, type EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceContext } from "./utils/nonce";
import { contentSecurityPolicy } from "./utils/csp.server";

export { contentSecurityPolicy };

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  // A fresh nonce per document: Remix's inline scripts carry it, nothing injected can.
  const nonce = randomBytes(16).toString("base64");
  responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  // No route defers data (no Suspense boundary waits on anything), so the document is rendered in
  // one synchronous pass to a string and sent as one buffer. Streaming it cost more than it saved:
  // React's many small writes each went through a TextEncoder and a web-stream hop, a tenth of a
  // heavy page's CPU, and crawlers need the whole document anyway.
  const markup = renderToString(
    <NonceContext.Provider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceContext.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${markup}`, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * Through the app's logger, with the stack: enough to find the bug. Never the URL (token pages carry
 * secrets in their path) nor the request body.
 */
export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  const e = error instanceof Error ? error : new Error(String(error));
  const fields = { event: "unhandled", error: e.message, stack: e.stack ?? null };
  if (context?.log) context.log("error", fields);
  else console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", ...fields }));
}

// The process entry points (server/*.js) find these in the build: see app/processes.server.ts.
export { runAdmin, runMigrate, runSeed, runWebProcess, runWorkerProcess } from "./processes.server";
// The test harness builds its app from these, so the suite runs the compiled server, not the sources.
export { createApp } from "../server/app";
export { createServices } from "./utils/services.server";
