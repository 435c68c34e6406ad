import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { loadConfigOrExit } from "../app/utils/env.server";
import { createServices } from "../app/utils/services.server";
import { startWorker } from "../app/mail/outbox-worker.server";
import { createApp } from "./app";

// `npm start`: the web process, with the outbox worker inside unless WORKER=off.
const config = loadConfigOrExit(process.env);

const buildPath = path.resolve("build/index.js");
const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
const services = await createServices(config);
const worker = config.workerEnabled ? startWorker(services) : null;
let closing = false;
const server = createApp(build, services, { closing: () => closing }).listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  services.log("info", { event: "listening", url: config.appUrl, host: config.host, port, database: services.dbKind });
});

async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  services.log("info", { event: "shutdown", signal });
  const drained = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // In-flight requests get a few seconds; then the connections go, and only then the database.
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  server.closeAllConnections();
  await worker?.stop();
  // PGlite keeps the process alive until closed.
  await services.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
