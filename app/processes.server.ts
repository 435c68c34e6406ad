import http from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { createApp } from "../server/app";
import { connect } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { DEMO_SLUG, seedDemo } from "../db/seed";
import { startWorker } from "./mail/outbox-worker.server";
import { loadConfigOrExit, mailDirInProduction } from "./utils/env.server";
import { serveMetrics } from "./utils/metrics.server";
import { createServices } from "./utils/services.server";

// The processes `npm start`, `npm run worker`, `npm run db:migrate` and `npm run db:seed` run. They
// live in the app so the Remix build compiles them with everything else: server/*.js only load the
// build and call one of these, so plain `node` runs production, with no TypeScript at boot and each
// module loaded once.

/** The web process, with the outbox worker inside unless WORKER=off. */
export async function runWebProcess(build: ServerBuild): Promise<void> {
  const config = loadConfigOrExit(process.env);
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
}

/** The outbox worker alone, for running M workers beside N web processes. */
export async function runWorkerProcess(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  if (config.production && !config.smtpUrl) {
    console.error(mailDirInProduction().message);
    process.exit(1);
  }
  const services = await createServices(config);
  const worker = startWorker(services);
  // A worker has no web server; with METRICS_PORT (and METRICS_TOKEN) it serves /metrics alone.
  const metricsServer = config.metricsPort
    ? http
        .createServer(async (req, res) => {
          const answer =
            req.url === "/metrics" && req.method === "GET"
              ? await serveMetrics(services.metrics, config.metricsToken, req.headers.authorization)
              : { status: 404, headers: { "Content-Type": "text/plain" }, body: "Not found." };
          res.writeHead(answer.status, answer.headers).end(answer.body);
        })
        .listen(config.metricsPort, config.host)
    : null;
  services.log("info", { event: "worker_started", database: services.dbKind });

  async function shutdown(signal: string) {
    services.log("info", { event: "shutdown", signal });
    metricsServer?.close();
    await worker.stop();
    await services.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** `npm run db:migrate`: any failure ends the process with status 1 and the error. */
export async function runMigrate(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const { db } = connect(config.database);
  try {
    const { results } = await migrateToLatest(db);
    for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
    console.log(results?.length ? "migrated" : "already up to date");
  } finally {
    await db.destroy();
  }
}

/** `npm run db:seed`: the demo letter, once. */
export async function runSeed(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const { db } = connect(config.database);
  try {
    await migrateToLatest(db);
    console.log(`demo letter: ${await seedDemo(db)} (/letters/${DEMO_SLUG})`);
  } finally {
    await db.destroy();
  }
}
