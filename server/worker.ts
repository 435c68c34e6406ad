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
services.log("info", { event: "worker_started", database: services.dbKind });

async function shutdown(signal: string) {
  services.log("info", { event: "shutdown", signal });
  await worker.stop();
  await services.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
