import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { loadConfig, type Config } from "../../app/utils/env.server";
import type { createServices, Services } from "../../app/utils/services.server";
import { TtlCache } from "../../app/utils/cache.server";
import { processOutboxBatch } from "../../app/mail/outbox-worker.server";
import { nextFanoutInMs, runFanoutStep } from "../../app/models/subscription.server";
import type { createApp } from "../../server/app";
import { createTestDatabase, type TestDatabase } from "./db";
import { TestSmtpServer } from "./smtp";

export const TEST_SECRETS = {
  SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
  EMAIL_HASH_SECRET: "test-email-hash-secret-0123456789abcdef01234567",
};

let buildPromise: Promise<ServerBuild> | null = null;
/** The Remix server build (`npm test` runs `remix build` first). */
export function loadBuild(): Promise<ServerBuild> {
  buildPromise ??= import(pathToFileURL(path.resolve("build/index.js")).href) as Promise<ServerBuild>;
  return buildPromise;
}

export interface TestApp {
  url: string;
  config: Config;
  services: Services;
  database: TestDatabase;
  smtp: TestSmtpServer;
  /** Every log line the app wrote, JSON-parsed. */
  logs: string[];
  /** Runs the outbox until nothing is due, as the worker would. */
  deliverMail(): Promise<void>;
  /** Runs pending news fan-out jobs to the end, then delivers the mail. */
  deliverNews(): Promise<void>;
  get(pathname: string, init?: RequestInit): Promise<Response>;
  post(pathname: string, fields: Record<string, string | string[]>, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  database?: TestDatabase;
  /** APP_URL = the server's real address, so mailed links open in a browser (default: http://app.test). */
  realAppUrl?: boolean;
  /**
   * A read cache whose entries never expire by themselves (a stopped clock): whatever a test sees
   * fresh after a change, the change itself refreshed. Without it, the real one-second cache.
   */
  frozenCache?: boolean;
}

/** The real Express + Remix stack on a free port, on its own database and SMTP server. */
export async function startTestApp({ env = {}, database, realAppUrl = false, frozenCache = false }: TestAppOptions = {}): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const smtp = await new TestSmtpServer().start();
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    APP_URL: realAppUrl ? url : "http://app.test",
    WORKER: "off",
    ...TEST_SECRETS,
    ...env,
  });
  const logs: string[] = [];
  // The compiled server (what `npm start` runs), not the TypeScript sources: build/index.js exports
  // the same createServices and createApp that app/processes.server.ts uses.
  const build = await loadBuild();
  const compiled = build.entry.module as unknown as { createServices: typeof createServices; createApp: typeof createApp };
  const services = await compiled.createServices(config, {
    connection: db.connection,
    log: (level, fields) => logs.push(JSON.stringify({ level, ...fields })),
    ...(frozenCache ? { cache: new TtlCache(1_000, 5_000, () => 0), pageCache: new TtlCache(1_000, 200, () => 0) } : {}),
  });
  server.on("request", compiled.createApp(build, services));

  const get = (pathname: string, init: RequestInit = {}) => fetch(url + pathname, { redirect: "manual", ...init });
  const post = (pathname: string, fields: Record<string, string | string[]>, init: RequestInit = {}) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return fetch(url + pathname, {
      method: "POST",
      body,
      redirect: "manual",
      ...init,
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...(init.headers as Record<string, string>) },
    });
  };

  return {
    url,
    config,
    services,
    database: db,
    smtp,
    logs,
    async deliverMail() {
      while ((await processOutboxBatch(services)) > 0) {}
    },
    async deliverNews() {
      // The worker's fan-out steps, paced as configured, until no job waits; then the mail itself.
      for (;;) {
        if ((await runFanoutStep(services.db, services.keys, config.appUrl, config.fanoutRatePerSecond)) > 0) continue;
        const wait = await nextFanoutInMs(services.db);
        if (wait === null) break;
        await new Promise((resolve) => setTimeout(resolve, wait + 5));
      }
      while ((await processOutboxBatch(services)) > 0) {}
    },
    get,
    post,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      services.mailer.close();
      await services.limits.close();
      await services.mailSignal.close();
      await smtp.stop();
      if (!database) await db.drop();
    },
  };
}

/** The path of the first link in a mail that starts with `prefix` (`/verify/`). */
export function linkPath(links: string[], prefix: string): string {
  const link = links.find((l) => new URL(l).pathname.startsWith(prefix));
  if (!link) throw new Error(`no ${prefix} link in ${JSON.stringify(links)}`);
  return new URL(link).pathname;
}

/** The visible text of an HTML page: tags and React's text-node comments dropped, whitespace folded. */
export function textOf(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ");
}
