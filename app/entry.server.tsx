import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "./utils/nonce";
import { contentSecurityPolicy } from "./utils/csp.server";

export { contentSecurityPolicy };

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  // Crawlers and link previews get the whole document at once; browsers get it streamed.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  // A fresh nonce per document: Remix's inline scripts carry it, nothing injected can.
  const nonce = randomBytes(16).toString("base64");
  responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
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
