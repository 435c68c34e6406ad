import http from "node:http";
import { parseArgs } from "node:util";
import type { ServerBuild } from "@remix-run/node";
import { createApp } from "../server/app";
import { connect } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { DEMO_SLUG, seedDemo, seedSignatures } from "../db/seed";
import { startWorker } from "./mail/outbox-worker.server";
import { findOrganizerByEmail, openReports, restoreLetter, setOrganizerSuspended, takeDownLetter } from "./models/moderation.server";
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
const SEED_USAGE = `Usage: npm run db:seed [-- --signatures <count> [--letter <slug>]]
  (no options)            the demo letter (/letters/${DEMO_SLUG})
  --signatures 1000000    also fill a letter with that many made-up confirmed signatures
  --letter <slug>         which letter (default: ${DEMO_SLUG})`;

export async function runSeed(argv: string[] = process.argv.slice(2)): Promise<void> {
  let options;
  try {
    options = parseArgs({ args: argv, options: { signatures: { type: "string" }, letter: { type: "string", default: DEMO_SLUG } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${SEED_USAGE}`);
    process.exit(2);
  }
  const count = options.signatures === undefined ? 0 : Number(options.signatures);
  if (!Number.isInteger(count) || count < 0 || count > 100_000_000) {
    console.error(`--signatures must be a whole number from 0 to 100000000\n${SEED_USAGE}`);
    process.exit(2);
  }
  const config = loadConfigOrExit(process.env);
  const { db } = connect(config.database);
  try {
    await migrateToLatest(db);
    console.log(`demo letter: ${await seedDemo(db)} (/letters/${DEMO_SLUG})`);
    if (count > 0) {
      const started = Date.now();
      const exists = await db.selectFrom("letters").select("id").where("slug", "=", options.letter!).executeTakeFirst();
      if (!exists) {
        console.error(`There is no letter /letters/${options.letter}.`);
        process.exitCode = 1;
        return;
      }
      const { inserted } = await seedSignatures(db, options.letter!, count, (done) => console.log(`  ${done.toLocaleString("en")} signatures…`));
      console.log(`added ${inserted.toLocaleString("en")} confirmed signatures to /letters/${options.letter} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await db.destroy();
  }
}

const ADMIN_USAGE = `Usage: npm run admin -- <command>
  reports                               open reports, newest first
  take-down <slug> --reason "<reason>"  take a letter down; the reason is shown on its page
  restore <slug>                        put a taken-down letter back
  suspend <email>                       suspend an organizer account (signs it out)
  unsuspend <email>                     lift a suspension`;

/**
 * `npm run admin -- …`: the operators' actions, for when the web is not an option. Audited as the
 * command line. Exit 0 on success, 1 when nothing could be done (with the reason), 2 on misuse.
 */
export async function runAdmin(argv: string[]): Promise<void> {
  const [command, target, ...rest] = argv;
  const reasonAt = rest.indexOf("--reason");
  const reason = reasonAt >= 0 ? (rest[reasonAt + 1] ?? "").trim() : "";
  const usage = (message?: string) => {
    if (message) console.error(message);
    console.error(ADMIN_USAGE);
    process.exit(2);
  };
  if (!command || !["reports", "take-down", "restore", "suspend", "unsuspend"].includes(command)) usage(command ? `Unknown command: ${command}` : undefined);
  if (command !== "reports" && !target) usage(`${command} needs a ${command.includes("suspend") ? "email address" : "letter slug"}.`);
  if (command === "take-down" && reason.length < 5) usage('take-down needs --reason "<the public reason>" (at least 5 characters).');

  const config = loadConfigOrExit(process.env);
  const services = await createServices(config);
  const actor = { kind: "cli" as const };
  const fail = (message: string) => {
    console.error(message);
    process.exitCode = 1;
  };
  try {
    if (command === "reports") {
      const reports = await openReports(services.db, services.keys);
      if (reports.length === 0) console.log("No open reports.");
      for (const r of reports) console.log(`${r.at}  /letters/${r.slug}  ${r.reason.replace(/\s+/g, " ")}${r.contact ? `  (reply to ${r.contact})` : ""}`);
      return;
    }
    if (command === "take-down" || command === "restore") {
      const letter = await services.db.selectFrom("letters").select("id").where("slug", "=", target!).executeTakeFirst();
      if (!letter) return fail(`No letter with the slug "${target}".`);
      const changed = command === "take-down" ? await takeDownLetter(services.db, actor, letter.id, reason) : await restoreLetter(services.db, actor, letter.id);
      if (!changed) return fail(command === "take-down" ? "That letter is already taken down (or still a draft)." : "That letter is not taken down.");
      console.log(command === "take-down" ? `Taken down: /letters/${target}` : `Restored: /letters/${target}`);
      return;
    }
    const organizerId = await findOrganizerByEmail(services.db, services.keys, target!);
    if (!organizerId) return fail("No organizer account with that address.");
    if (!(await setOrganizerSuspended(services.db, actor, organizerId, command === "suspend"))) return fail("Nothing to change for that organizer.");
    console.log(command === "suspend" ? "Suspended, and signed out everywhere." : "The suspension is lifted.");
  } finally {
    await services.close();
  }
}
