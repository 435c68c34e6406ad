import http from "node:http";
import { serveMetrics } from "../app/utils/metrics.server";
import { loadConfigOrExit, mailDirInProduction } from "../app/utils/env.server";
import { createServices } from "../app/utils/services.server";
import { startWorker } from "../app/mail/outbox-worker.server";

// `npm run worker`: the outbox worker alone, for running M workers beside N web processes.
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
        const answer = req.url === "/metrics" && req.method === "GET"
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
