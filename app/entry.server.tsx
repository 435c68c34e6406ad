import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { type AppLoadContext, type EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
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
  // A fresh nonce per document: Remix's inline scripts carry it, nothing injected can.
  const nonce = randomBytes(16).toString("base64");
  responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  // No route defers data, so the shell is the whole document: it is rendered in full and sent as one
  // buffer. Streaming it in React's many small writes cost more (web-stream hops, one compression
  // call per write) than it saved, and crawlers need the whole document anyway.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const body = new PassThrough();
    body.on("data", (chunk: Buffer) => chunks.push(chunk));
    body.on("end", () => {
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
    });
    body.on("error", reject);
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onAllReady() {
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError() {
          // A shell error also reaches onShellError, and through Remix, handleError (which logs it).
          responseStatusCode = 500;
        },
      },
    );
    setTimeout(abort, ABORT_DELAY).unref();
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
